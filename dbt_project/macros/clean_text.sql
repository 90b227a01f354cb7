{#- Trimmed text, or null when nothing but whitespace is left. -#}
{% macro clean_text(expression) -%}
    nullif(trim(cast({{ expression }} as varchar)), '')
{%- endmacro %}
