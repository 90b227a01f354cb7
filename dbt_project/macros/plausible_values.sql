{#-
    Impossible values become null, and a named issue says why (the `impossible_values` docs
    block). A source that sends `updated_at: Infinity` must not date a posting 9999-12-31, nor a
    13-digit epoch one in 2286; a salary of `Infinity` is no salary.
-#}

{#- Why a timestamp cannot be a posting's date, or null when it can: before 1995 (before job
    boards), more than a year after the load, or not finite. -#}
{% macro timestamp_issue(expression, loaded_at) -%}
    case
        when {{ expression }} is null then null
        when not isfinite({{ expression }}) then 'not_finite'
        when {{ expression }} < timestamptz '1995-01-01 00:00:00+00' then 'before_1995'
        when {{ expression }} > {{ loaded_at }} + interval 1 year then 'more_than_a_year_ahead'
    end
{%- endmacro %}

{#- The timestamp, or null when `timestamp_issue` names a problem. -#}
{% macro plausible_timestamp(expression, loaded_at) -%}
    case when {{ timestamp_issue(expression, loaded_at) }} is null then {{ expression }} end
{%- endmacro %}

{#- The number, or null when it is not finite (NaN, Infinity). -#}
{% macro finite_number(expression) -%}
    case when isfinite({{ expression }}) then {{ expression }} end
{%- endmacro %}

{#- The timestamp, or null when it is not finite (`infinity`, which DuckDB shows as 9999-12-31). -#}
{% macro finite_timestamp(expression) -%}
    case when isfinite({{ expression }}) then {{ expression }} end
{%- endmacro %}
