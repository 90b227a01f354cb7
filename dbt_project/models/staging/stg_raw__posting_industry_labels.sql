-- The industry a source publishes for a posting's employer, when it publishes one: one row per
-- posting version that carries a label. Read from the payload per source kind:
--   jsonld           schema.org JobPosting `industry`: a text, a list of texts (the first is
--                    taken) or a DefinedTerm object (its `name`); LinkedIn pages fill it with
--                    their own (localised) industry label;
--   smartrecruiters  `industry.label` (e.g. "Medical Practice"), when that kind is loaded.
-- Other kinds publish no industry. Labels are kept as published (trimmed); mapping them to the
-- warehouse taxonomy happens in fct_posting_industries.
--
-- Incremental, unlike the other staging models (views): fct_posting_industries looks up the
-- labels of a few thousand versions a night, and through a view that read every payload of both
-- kinds (3.7 s a night at a million postings). A nightly build parses only the versions loaded
-- since the last recorded build (or, run by hand, since the newest version in the table).
{{ config(
    materialized='incremental',
    unique_key='posting_version_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
) }}
{%- set watermark = none -%}
{%- if is_incremental() -%}
    {%- set watermark = built_through_literal() or incremental_watermark('loaded_at') -%}
{%- endif %}
with

source as (

    select * from {{ source('raw', 'posting_versions') }}
    where source_kind in ('jsonld', 'smartrecruiters')
    {%- if watermark is not none %}
        and _loaded_at >= {{ watermark }}
    {%- endif %}

),

extracted as (

    select
        *,
        case source_kind
            when 'jsonld' then
                case json_type(payload, '$.industry')
                    when 'ARRAY' then payload->>'$.industry[0]'
                    when 'OBJECT' then payload->>'$.industry.name'
                    else payload->>'$.industry'
                end
            when 'smartrecruiters' then payload->>'$.industry.label'
        end as published_industry

    from source

),

renamed as (

    select
        {{ surrogate_key(['source_key', 'source_posting_id', 'content_hash']) }}
            as posting_version_id,
        source_key || ':' || source_posting_id as posting_id,
        source_kind,
        {{ clean_text('published_industry') }} as industry_label,
        _loaded_at as loaded_at

    from extracted

)

select * from renamed
where industry_label is not null
