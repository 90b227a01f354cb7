{#- Hash of the given columns, null-safe; the project's only way to build hashed keys. -#}
{% macro surrogate_key(column_names) -%}
    md5(concat_ws('|', {% for column_name in column_names -%}
        coalesce(cast({{ column_name }} as varchar), '')
        {%- if not loop.last %}, {% endif -%}
    {%- endfor %}))
{%- endmacro %}
