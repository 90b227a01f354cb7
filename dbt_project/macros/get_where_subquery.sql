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

    A model can also scope all of its tests at once (`meta.tests_scope`, see
    `attached_model_tests_scope`); that scope is added to the test's own `where`.

    Other `where` configs work as in dbt.
-#}
{% macro get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- set where = config.get('where') -%}
    {%- if where and '__runs_loaded_since_build__' in where -%}
        {%- set where = where | replace('__runs_loaded_since_build__',
            'crawl_run_id in (select crawl_run_id from ' ~ raw_crawl_runs() ~
            ' where _loaded_at > __built_through__)') -%}
    {%- endif -%}
    {%- if where and '__built_through__' in where -%}
        {%- set built_through = built_through_literal() -%}
        {%- if built_through is not none -%}
            {%- do conditions.append(where | replace('__built_through__', built_through)) -%}
        {%- endif -%}
    {%- elif where -%}
        {%- do conditions.append(where) -%}
    {%- endif -%}
    {%- set scope = attached_model_tests_scope() -%}
    {%- if scope -%}
        {%- do conditions.append(scope) -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- do return("(select * from " ~ relation ~ " where (" ~ conditions | join(") and (")
                      ~ ")) dbt_subquery") -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}


{#-
    The scope that a model sets for all of its tests in `meta.tests_scope`, as a condition; none
    when it sets none, on a full refresh, or when no build was recorded.

    `postings_seen_since_build`: the rows of the postings whose last sighting was loaded after
    the last recorded build. For the posting-grain facts, whose rows a nightly rebuilds only for
    those postings (macros/postings_to_rebuild.sql) and whose keys contain the posting: their
    key and relationship tests over the whole fact were about 7 s of a nightly at a million
    postings.
-#}
{% macro attached_model_tests_scope() -%}
    {%- if not execute or not model.attached_node -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set attached = graph.nodes.get(model.attached_node) -%}
    {%- set scope = ((attached or {}).get('config') or {}).get('meta', {}).get('tests_scope') -%}
    {%- if not scope -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if scope != 'postings_seen_since_build' -%}
        {{ exceptions.raise_compiler_error("unknown meta.tests_scope '" ~ scope ~ "' on "
                                           ~ model.attached_node) }}
    {%- endif -%}
    {%- set built_through = built_through_literal() -%}
    {%- if built_through is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set lifecycle = graph.nodes['model.' ~ project_name ~ '.int_sightings_aggregated_to_postings'] -%}
    {%- set lifecycle_relation = api.Relation.create(database=lifecycle.database,
        schema=lifecycle.schema, identifier=lifecycle.alias) -%}
    {{ return("posting_id in (select posting_id from " ~ lifecycle_relation
              ~ " where last_seen_run_loaded_at > " ~ built_through ~ ")") }}
{%- endmacro %}


{#-
    The `built_through` time of the last successful pipeline build (the load time of the newest
    raw row present when that build started, so every row up to it was built and tested), as a
    SQL literal; none on a full refresh, at parse time, or when it is not given.
    warehouse/pipeline.py records it in meta.dbt_build_state after each build and passes it to
    the next in the environment variable POSTINGS_DBT_BUILT_THROUGH. Not a var: a var that changes
    every night would make dbt parse the whole project again every night. Not a query either:
    some 280 nodes ask for it, and a catalog query each cost about a second of a nightly at a
    million postings. dbt run by hand, without it, tests and rebuilds as after a full refresh.
-#}
{% macro built_through_literal() -%}
    {%- if not execute or flags.FULL_REFRESH -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set value = env_var('POSTINGS_DBT_BUILT_THROUGH', '') -%}
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
