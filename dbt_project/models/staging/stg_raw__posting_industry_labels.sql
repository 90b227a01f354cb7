-- The industry a source publishes for a posting's employer, when it publishes one: one row per
-- posting version that carries a label. Read from the payload per source kind:
--   jsonld           schema.org JobPosting `industry`: a text, a list of texts (the first is
--                    taken) or a DefinedTerm object (its `name`); LinkedIn pages fill it with
--                    their own (localised) industry label;
--   smartrecruiters  `industry.label` (e.g. "Medical Practice"), when that kind is loaded.
-- Other kinds publish no industry. Labels are kept as published (trimmed); mapping them to the
-- warehouse taxonomy happens in fct_posting_industries.
with

source as (

    select * from {{ source('raw', 'posting_versions') }}
    where source_kind in ('jsonld', 'smartrecruiters')

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
