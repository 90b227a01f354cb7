-- Teamtailor JSON Feed (`/jobs.json`): one feed item per payload; `_jobposting` is the posting's
-- schema.org JobPosting. `remote` is its `jobLocationType` (TELECOMMUTE means remote).
with

source as (

    select * from {{ source('raw', 'posting_versions') }}
    where source_kind = 'teamtailor'

),

extracted as (

    select
        *,
        {{ workplace_type('remote', fallback_location='location') }} as workplace_type,
        -- The structured place only when the posting has one (`jobLocation` is one Place or a list).
        case
            when json_type(payload, '$._jobposting.jobLocation') = 'OBJECT'
                then json_extract(payload, '$._jobposting.jobLocation.address')
            when json_array_length(payload, '$._jobposting.jobLocation') = 1
                then json_extract(payload, '$._jobposting.jobLocation[0].address')
        end as single_address,
        json_extract(payload, '$._jobposting.baseSalary') as base_salary

    from source

),

renamed as (

    select
        {{ surrogate_key(['source_key', 'source_posting_id', 'content_hash']) }}
            as posting_version_id,
        source_key || ':' || source_posting_id as posting_id,
        source_kind,
        source_key,
        source_posting_id,
        content_hash,
        first_crawl_run_id,
        first_fetched_at,
        {{ clean_text('title') }} as title,
        {{ clean_text('company_name') }} as company_name,
        {{ clean_text('location') }} as location,
        {{ clean_text("single_address->>'$.addressCountry'") }} as country,
        -- Not read: Teamtailor fills `addressRegion` with a region of its own ("Europe").
        cast(null as varchar) as region,
        {{ clean_text("single_address->>'$.addressLocality'") }} as city,
        workplace_type,
        workplace_type = 'remote' as is_remote,
        {{ clean_text('department') }} as department,
        {{ clean_text('employment_type') }} as employment_type,
        -- `date_published`: ISO 8601 with an offset.
        {{ to_utc_timestamp('posted_at') }} as posted_at,
        {{ to_utc_timestamp("payload->>'$.date_modified'") }} as source_updated_at,
        {{ to_utc_timestamp("payload->>'$._jobposting.validThrough'") }} as expires_at,
        {{ clean_text('url') }} as url,
        cast(null as varchar) as apply_url,
        {{ clean_text("base_salary->>'$.currency'") }} as salary_currency,
        coalesce(
            try_cast(base_salary->>'$.value.minValue' as double),
            try_cast(base_salary->>'$.value.value' as double)
        ) as salary_min,
        coalesce(
            try_cast(base_salary->>'$.value.maxValue' as double),
            try_cast(base_salary->>'$.value.value' as double)
        ) as salary_max,
        {{ clean_text("base_salary->>'$.value.unitText'") }} as salary_interval,
        cast(null as varchar) as salary_text,
        description_format,
        description_text,
        _source_file as loaded_from_file,
        _loaded_at as loaded_at

    from extracted

)

select * from renamed
