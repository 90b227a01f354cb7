{#- dbt-duckdb's column comments, except on a DuckLake's views: DuckLake keeps comments on
    tables and their columns, and on views, but not on a view's columns (it refuses the
    statement). Their descriptions stay in dbt docs. -#}
{% macro duckdb__alter_column_comment(relation, column_dict) %}
  {% if relation.type == 'view' and adapter.is_ducklake(relation) %}
    select 1;
  {% else %}
    {% set existing_columns = adapter.get_columns_in_relation(relation) | map(attribute="name") | list %}
    {% for column_name in column_dict if (column_name in existing_columns) %}
      {% set comment = column_dict[column_name]['description'] %}
      {% set escaped_comment = duckdb_escape_comment(comment) %}
      comment on column {{ relation }}.{{ adapter.quote(column_name) if column_dict[column_name]['quote'] else column_name }} is {{ escaped_comment }};
    {% endfor %}
  {% endif %}
{% endmacro %}
