{#-
    On an incremental run, a SQL literal of the largest `column` already in this model's table;
    on a full build, none. Read once when the model is compiled, so the filter it makes is a
    constant: DuckDB then pushes it into the scan of the raw table, below the JSON extraction of
    the staging views, and only the new rows are parsed.
-#}
{% macro incremental_watermark(column) -%}
    {%- if not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(timestamp_literal("select max(" ~ column ~ ") from " ~ this)) }}
{%- endmacro %}
