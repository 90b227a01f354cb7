-- Lever Postings API (`/v0/postings/<site>?mode=json`), one posting object per payload.
with

source as (

    select * from {{ source('raw', 'posting_versions') }}
    where source_kind = 'lever'

),

extracted as (

    select
        *,
        -- `remote` is `workplaceType`: remote, hybrid, onsite/on-site or unspecified (null).
        {{ workplace_type('remote', fallback_location='location') }} as workplace_type

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
        {{ clean_text("payload->>'$.country'") }} as country,
        cast(null as varchar) as region,
        cast(null as varchar) as city,
        workplace_type,
        workplace_type = 'remote' as is_remote,
        {{ clean_text('department') }} as department,
        {{ clean_text('employment_type') }} as employment_type,
        -- `createdAt`: epoch milliseconds.
        {{ to_utc_timestamp('posted_at') }} as posted_at,
        cast(null as timestamptz) as source_updated_at,
        cast(null as timestamptz) as expires_at,
        {{ clean_text('url') }} as url,
        {{ clean_text("payload->>'$.applyUrl'") }} as apply_url,
        {{ clean_text("payload->>'$.salaryRange.currency'") }} as salary_currency,
        try_cast(payload->>'$.salaryRange.min' as double) as salary_min,
        try_cast(payload->>'$.salaryRange.max' as double) as salary_max,
        {{ clean_text("payload->>'$.salaryRange.interval'") }} as salary_interval,
        cast(null as varchar) as salary_text,
        description_format,
        description_text,
        _source_file as loaded_from_file,
        _loaded_at as loaded_at

    from extracted

)

select * from renamed
