{#-
    On an incremental run, a SQL literal of the largest `column` already in this model's table
    (a timestamptz, as text and cast back, so nothing is lost); on a full build, none. Read once
    when the model is compiled, so the filter it makes is a constant: DuckDB then pushes it into
    the scan of the raw table, below the JSON extraction of the staging views, and only the new
    rows are parsed.
-#}
{% macro incremental_watermark(column) -%}
    {%- if not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set result = run_query("select cast(max(" ~ column ~ ") as varchar) from " ~ this) -%}
    {%- set value = result.columns[0].values()[0] if result and result.columns else none -%}
    {%- if value is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return("cast('" ~ value ~ "' as timestamptz)") }}
{%- endmacro %}
