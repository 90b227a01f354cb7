{#-
    Incremental: a posting version never changes once loaded, so a nightly build parses only the
    versions loaded since the last build (`loaded_at` at or after the watermark; the watermark's
    own rows are rebuilt and replaced by `posting_version_id`). Run `postings transform
    --full-refresh` after changing a staging model, so that older versions are parsed again.
-#}
{{ config(
    materialized='incremental',
    unique_key='posting_version_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
) }}
{%- set watermark = incremental_watermark('loaded_at') -%}
{%- set kind_models = [
    'stg_greenhouse__posting_versions',
    'stg_lever__posting_versions',
    'stg_ashby__posting_versions',
    'stg_hackernews__posting_versions',
    'stg_jsonld__posting_versions',
    'stg_workable__posting_versions',
    'stg_smartrecruiters__posting_versions',
    'stg_recruitee__posting_versions',
    'stg_personio__posting_versions',
    'stg_teamtailor__posting_versions',
    'stg_workday__posting_versions',
    'stg_remoteok__posting_versions',
    'stg_remotive__posting_versions',
    'stg_arbeitnow__posting_versions',
    'stg_himalayas__posting_versions',
    'stg_jobicy__posting_versions',
    'stg_weworkremotely__posting_versions',
    'stg_usajobs__posting_versions',
    'stg_adzuna__posting_versions',
] -%}

with

{% for kind_model in kind_models %}
{{ kind_model }} as (

    select * from {{ ref(kind_model) }}
    {%- if watermark is not none %}
    where loaded_at >= {{ watermark }}
    {%- endif %}

),

{% endfor -%}

unioned as (

    {% for kind_model in kind_models -%}
    select
        {{ posting_version_columns() | join(',\n        ') }}
    from {{ kind_model }}
    {%- if not loop.last %}

    union all

    {% endif -%}
    {%- endfor %}

)

select * from unioned
