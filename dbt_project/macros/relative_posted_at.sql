{#-
    A relative publication text ("Posted Today", "Posted Yesterday", "Posted 8 Days Ago", as
    Workday writes `postedOn`) read against the day the version was first fetched, as a UTC
    `timestamptz`; null for anything else ("Posted 30+ Days Ago" says too little).
-#}
{% macro relative_posted_at(expression, fetched_at) -%}
    case
        when lower(trim({{ expression }})) = 'posted today'
            then date_trunc('day', {{ fetched_at }})
        when lower(trim({{ expression }})) = 'posted yesterday'
            then date_trunc('day', {{ fetched_at }}) - interval 1 day
        when regexp_full_match(lower(trim({{ expression }})), 'posted \d{1,2} days? ago')
            then date_trunc('day', {{ fetched_at }}) - to_days(
                cast(regexp_extract({{ expression }}, '(\d+)', 1) as integer)
            )
    end
{%- endmacro %}
