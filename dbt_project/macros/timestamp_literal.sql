{#-
    The single value of `query` (a timestamptz, or none) as a SQL literal: read at compile time,
    cast to text and back, so nothing is lost. The watermark macros use it, so a filter built
    from it is a constant that DuckDB pushes into the raw scans.
-#}
{% macro timestamp_literal(query) -%}
    {%- set result = run_query("select cast((" ~ query ~ ") as varchar)") -%}
    {%- set value = result.columns[0].values()[0] if result and result.columns else none -%}
    {%- if value is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return("cast('" ~ value ~ "' as timestamptz)") }}
{%- endmacro %}
