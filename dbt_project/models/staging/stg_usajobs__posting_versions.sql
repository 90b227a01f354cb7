-- USAJOBS Search API (`/api/search`): one search result per payload. `remote` is
-- `RemoteIndicator` as JSON text: `true` is remote, `false` does not say (null). Pay is the first
-- `PositionRemuneration` (US dollars, the federal government's currency; `RateIntervalCode` PA =
-- per year, PH = per hour, ...).
with

source as (

    select * from {{ source('raw', 'posting_versions') }}
    where source_kind = 'usajobs'

),

extracted as (

    select
        *,
        {{ workplace_type("case when remote = 'true' then 'remote' end") }} as workplace_type,
        json_extract(payload, '$.MatchedObjectDescriptor.PositionRemuneration[0]') as remuneration

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
        cast(null as varchar) as country,
        cast(null as varchar) as region,
        cast(null as varchar) as city,
        workplace_type,
        workplace_type = 'remote' as is_remote,
        {{ clean_text('department') }} as department,
        -- The `PositionSchedule` names joined (`Full-Time`).
        {{ clean_text('employment_type') }} as employment_type,
        -- `PublicationStartDate`: ISO 8601 without a zone, read as UTC.
        {{ to_utc_timestamp('posted_at') }} as posted_at,
        cast(null as timestamptz) as source_updated_at,
        {{ to_utc_timestamp("payload->>'$.MatchedObjectDescriptor.ApplicationCloseDate'") }} as expires_at,
        {{ clean_text('url') }} as url,
        {{ clean_text("payload->>'$.MatchedObjectDescriptor.ApplyURI[0]'") }} as apply_url,
        case when remuneration is not null then 'USD' end as salary_currency,
        try_cast(remuneration->>'$.MinimumRange' as double) as salary_min,
        try_cast(remuneration->>'$.MaximumRange' as double) as salary_max,
        {{ clean_text("remuneration->>'$.RateIntervalCode'") }} as salary_interval,
        cast(null as varchar) as salary_text,
        description_format,
        description_text,
        _source_file as loaded_from_file,
        _loaded_at as loaded_at

    from extracted

)

select * from renamed
