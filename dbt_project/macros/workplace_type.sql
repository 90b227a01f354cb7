{#-
    The workplace type a source published, as one of `remote`, `hybrid`, `onsite`, or null
    when the source did not say (or said something this macro does not know, such as Lever's
    `unspecified`).

    `expression` is the published value (`Remote`, `remote`, `TELECOMMUTE`, `true`, `On-Site`,
    `onsite`, `OnSite`, `in office`, `Hybrid`...). A value listing several types
    (`Remote, On-Site`) is `hybrid`: the posting is not fully remote. When the value says
    nothing, `fallback_location` (optional) is used: a single location that starts with
    "Remote" (`Remote (United States)`, `Remote - EMEA`) means `remote`.
-#}
{% macro workplace_type(expression, fallback_location=none) -%}
    {%- set token -%}
        case
            when regexp_full_match(token, 'remote|remote only|fully remote|telecommute|true|yes|wfh|work from home|anywhere')
                then 'remote'
            when regexp_full_match(token, 'hybrid|flexible')
                then 'hybrid'
            when regexp_full_match(token, 'on ?site|in ?office|office|in person|onsite only')
                then 'onsite'
        end
    {%- endset -%}
    {%- set published -%}
        list_distinct(list_filter(
            list_transform(
                regexp_split_to_array(
                    regexp_replace(lower(trim({{ expression }})), '[-_]', ' ', 'g'),
                    '\s*(?:[,;/|+&]|\bor\b|\band\b)\s*'
                ),
                lambda token: {{ token | trim }}
            ),
            lambda workplace: workplace is not null
        ))
    {%- endset -%}
    case
        when len({{ published }}) = 1 then {{ published }}[1]
        when len({{ published }}) > 1 then 'hybrid'
        {%- if fallback_location is not none %}
        when regexp_matches(lower(trim({{ fallback_location }})), '^remote\b')
            and not regexp_matches({{ fallback_location }}, '[;|]')
            then 'remote'
        {%- endif %}
    end
{%- endmacro %}
