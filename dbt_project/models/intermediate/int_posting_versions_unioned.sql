{%- set kind_models = [
    'stg_greenhouse__posting_versions',
    'stg_lever__posting_versions',
    'stg_ashby__posting_versions',
    'stg_hackernews__posting_versions',
    'stg_jsonld__posting_versions',
] -%}

with

{% for kind_model in kind_models %}
{{ kind_model }} as (

    select * from {{ ref(kind_model) }}

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
