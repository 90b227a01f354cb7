{#-
    The workplace type a source published, as one of `remote`, `hybrid`, `onsite`, or null
    when the source did not say (or said something this macro does not know, such as Lever's
    `unspecified`).

    `expression` is the published value: `Remote`, `remote`, `REMOTE (US)`, `TELECOMMUTE`,
    `true`, `On-Site`, `onsite`, `OnSite`, `in office`, `Hybrid`, `Remote-friendly`... The value
    is lowercased, `-`/`_` become spaces, and it is split into parts on `, ; / | + &`, "or" and
    "and". Each part is read on its own; a value whose parts name several types
    (`Remote, On-Site`, `REMOTE or ONSITE`) is `hybrid`: the posting is not fully remote.

    When the value says nothing, `fallback_location` (optional) decides: a single location
    (no `;` or `|`) that starts with "Remote" (`Remote (United States)`, `Remote - EMEA`) means
    `remote`.
-#}
{% macro workplace_type(expression, fallback_location=none) -%}
    {%- set part_type -%}
        case
            when regexp_matches(part, '^(hybrid|flexible|remote (friendly|optional|possible))\b')
                then 'hybrid'
            when regexp_matches(part, '^((fully|full|100%) )?remote\b')
                or regexp_full_match(part, 'telecommute|true|wfh|work from home|anywhere')
                then 'remote'
            when regexp_matches(part, '^(on ?site|in ?office|office|in person)\b')
                then 'onsite'
        end
    {%- endset -%}
    {%- set published_types -%}
        list_distinct(list_filter(
            list_transform(
                regexp_split_to_array(
                    regexp_replace(lower(trim({{ expression }})), '[-_]', ' ', 'g'),
                    '\s*(?:[,;/|+&]|\bor\b|\band\b)\s*'
                ),
                lambda part: {{ part_type | trim }}
            ),
            lambda workplace: workplace is not null
        ))
    {%- endset -%}
    case
        when len({{ published_types }}) = 1 then {{ published_types }}[1]
        when len({{ published_types }}) > 1 then 'hybrid'
        {%- if fallback_location is not none %}
        when regexp_matches(lower(trim({{ fallback_location }})), '^remote\b')
            and not regexp_matches({{ fallback_location }}, '[;|]')
            then 'remote'
        {%- endif %}
    end
{%- endmacro %}
