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

    The placeholder `__runs_loaded_since_build__` stands for the condition the sightings' tests
    share, written once here: the row's crawl run was loaded after that time.

    Other `where` configs work as in dbt.
-#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- if where and '__runs_loaded_since_build__' in where -%}
        {%- set where = where | replace('__runs_loaded_since_build__',
            'crawl_run_id in (select crawl_run_id from ' ~ raw_crawl_runs() ~
            ' where _loaded_at > __built_through__)') -%}
    {%- endif -%}
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
    The `built_through` time of the last successful pipeline build (the load time of the newest
    raw row present when that build started, so every row up to it was built and tested), as a
    SQL literal; none on a full refresh, at parse time, or when it is not given.
    warehouse/pipeline.py records it in meta.dbt_build_state after each build and passes it to
    the next in the environment variable POSTINGS_BUILT_THROUGH. Not a var: a var that changes
    every night would make dbt parse the whole project again every night. Not a query either:
    some 280 nodes ask for it, and a catalog query each cost about a second of a nightly at a
    million postings. dbt run by hand, without it, tests and rebuilds as after a full refresh.
-#}
{% macro built_through_literal() -%}
    {%- if not execute or flags.FULL_REFRESH -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set value = env_var('POSTINGS_BUILT_THROUGH', '') -%}
    {%- if not value -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return("cast('" ~ (value | replace("'", "''")) ~ "' as timestamptz)") }}
{%- endmacro %}


{#- raw.crawl_runs, the register of loaded runs, as a relation (the loader's schema). -#}
{% macro raw_crawl_runs() -%}
    {{ return(api.Relation.create(database=target.database, schema='raw',
                                  identifier='crawl_runs')) }}
{%- endmacro %}
