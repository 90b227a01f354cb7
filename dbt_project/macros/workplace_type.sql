{#-
    The workplace type a source published, as one of `remote`, `hybrid`, `onsite`, or null
    when the source did not say (or said something this macro does not know, such as Lever's
    `unspecified`).

    `expression` is the published value: `Remote`, `remote`, `REMOTE (US)`, `TELECOMMUTE`,
    `true`, `On-Site`, `onsite`, `OnSite`, `in office`, `Hybrid`, `Remote-friendly`, or a
    Hacker News header field such as `San Francisco, CA (Hybrid)`. The value is lowercased,
    `-`/`_` become spaces, and it is split into parts on `, ; / | + &`, "or" and "and". Each part
    is read on its own, by the first of these that it contains as words: "no remote"/"not
    remote" (onsite), hybrid/flexible/remote-friendly (hybrid), remote/telecommute/wfh (remote),
    on site/in office/in person (onsite). A value whose parts name several types
    (`Remote, On-Site`, `REMOTE or ONSITE`) is `hybrid`: the posting is not fully remote.

    When the value says nothing, `fallback_location` (optional) decides: a single location
    (no `;` or `|`) that starts with "Remote" (`Remote (United States)`, `Remote - EMEA`) means
    `remote`.
-#}
{% macro workplace_type(expression, fallback_location=none) -%}
    {%- set part_type -%}
        case
            when regexp_matches(part, '\b(no|not|non)( fully)? remote\b')
                then 'onsite'
            when regexp_matches(part, '\b(hybrid|flexible)\b|\bremote (friendly|optional|possible)\b')
                then 'hybrid'
            when regexp_matches(part, '\b(remote|telecommute|wfh)\b')
                or regexp_full_match(part, 'true|work from home|anywhere')
                then 'remote'
            when regexp_matches(part, '\b(on ?site|in ?office|in person|office based)\b')
                or regexp_full_match(part, 'office')
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
    {#- The one-element list binds the types to a name, so that they are computed once. -#}
    coalesce(
        list_transform(
            [{{ published_types | trim }}],
            lambda types: case
                when len(types) = 1 then types[1]
                when len(types) > 1 then 'hybrid'
            end
        )[1]
        {%- if fallback_location is not none %},
        case
            when regexp_matches(lower(trim({{ fallback_location }})), '^remote\b')
                and not regexp_matches({{ fallback_location }}, '[;|]')
                then 'remote'
        end
        {%- endif %}
    )
{%- endmacro %}
