{#-
    Replaces dbt's own: a data test whose `where` config contains the placeholder
    `__built_through__` checks only the rows loaded after that time, the load time of the newest
    raw row that the last successful pipeline build had built and tested
    (`built_through_literal`). On a full
    refresh, a first build, or a warehouse the pipeline never built, such a test checks every
    row, as if it had no `where`.

    Why: the raw history (sightings above all) grows every night, and its tests (keys, not nulls,
    relationships) were the largest part of a nightly build at a million postings. The tests
    that use it have keys that contain what makes a row new (the crawl run, the version), so a
    new row cannot collide with an old one that was tested before. A failed build records
    nothing, so the next night tests the same rows again.

    Other `where` configs work as in dbt.
-#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- if where and '__built_through__' in where -%}
        {%- set built_through = built_through_literal() -%}
        {%- if built_through is none -%}
            {%- do return(relation) -%}
        {%- endif -%}
        {%- set where = where | replace('__built_through__', built_through) -%}
    {%- endif -%}
    {%- if where -%}
        {%- do return("(select * from " ~ relation ~ " where " ~ where ~ ") dbt_subquery") -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}


{#-
    The `built_through` time recorded by the last successful pipeline build in
    meta.dbt_build_state (warehouse/pipeline.py writes it after each build: the load time of the
    newest raw row present when that build started, so every row up to it was built and tested),
    as a SQL literal; none on a full refresh, at parse time, or when nothing was recorded. Read
    when a node runs, not passed as a var: a var that changes every night would make dbt parse
    the whole project again every night.
-#}
{% macro built_through_literal() -%}
    {%- if not execute or flags.FULL_REFRESH -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set state = adapter.get_relation(
        database=target.database, schema='meta', identifier='dbt_build_state') -%}
    {%- if state is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set columns = adapter.get_columns_in_relation(state) | map(attribute='name') | list -%}
    {%- if 'built_through' not in columns -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(timestamp_literal(
        "select built_through from " ~ state ~ " order by built_at desc limit 1")) }}
{%- endmacro %}
