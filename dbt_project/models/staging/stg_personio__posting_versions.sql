-- Personio XML job feed (`/xml`): one `<position>` element per payload (payload_format `xml`).
-- DuckDB has no XML parser, so every field comes from the item's columns, which are the spider's
-- parse of the element; the feed publishes no country, remote flag or salary. A location of
-- "Remote" gives the workplace type.
with

source as (

    select * from {{ source('raw', 'posting_versions') }}
    where source_kind = 'personio'

),

extracted as (

    select
        *,
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
        cast(null as varchar) as country,
        cast(null as varchar) as region,
        cast(null as varchar) as city,
        workplace_type,
        workplace_type = 'remote' as is_remote,
        {{ clean_text('department') }} as department,
        -- `employmentType` and `schedule` joined (`permanent, full-time`).
        {{ clean_text('employment_type') }} as employment_type,
        -- `createdAt`: ISO 8601 with an offset.
        {{ to_utc_timestamp('posted_at') }} as posted_at,
        cast(null as timestamptz) as source_updated_at,
        cast(null as timestamptz) as expires_at,
        {{ clean_text('url') }} as url,
        cast(null as varchar) as apply_url,
        cast(null as varchar) as salary_currency,
        cast(null as double) as salary_min,
        cast(null as double) as salary_max,
        cast(null as varchar) as salary_interval,
        cast(null as varchar) as salary_text,
        description_format,
        description_text,
        _source_file as loaded_from_file,
        _loaded_at as loaded_at

    from extracted

)

select * from renamed
