-- Ashby Posting API (`/posting-api/job-board/<board>?includeCompensation=true`), one job per payload.
with

source as (

    select * from {{ source('raw', 'posting_versions') }}
    where source_kind = 'ashby'

),

extracted as (

    select
        *,
        -- `remote` is `workplaceType` (Remote, Hybrid, OnSite), else `Remote` from `isRemote`.
        {{ workplace_type('remote', fallback_location='location') }} as workplace_type,
        -- The base salary component of the compensation summary, when the board publishes one.
        list_filter(
            json_extract(payload, '$.compensation.summaryComponents[*]'),
            lambda component: component->>'$.compensationType' = 'Salary'
        )[1] as salary_component

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
        {{ clean_text("payload->>'$.address.postalAddress.addressCountry'") }} as country,
        {{ clean_text("payload->>'$.address.postalAddress.addressRegion'") }} as region,
        {{ clean_text("payload->>'$.address.postalAddress.addressLocality'") }} as city,
        workplace_type,
        workplace_type = 'remote' as is_remote,
        {{ clean_text('department') }} as department,
        {{ clean_text('employment_type') }} as employment_type,
        -- `publishedAt`: ISO 8601 with an offset.
        {{ to_utc_timestamp('posted_at') }} as posted_at,
        cast(null as timestamptz) as source_updated_at,
        cast(null as timestamptz) as expires_at,
        {{ clean_text('url') }} as url,
        {{ clean_text("payload->>'$.applyUrl'") }} as apply_url,
        {{ clean_text("salary_component->>'$.currencyCode'") }} as salary_currency,
        try_cast(salary_component->>'$.minValue' as double) as salary_min,
        try_cast(salary_component->>'$.maxValue' as double) as salary_max,
        {{ clean_text("salary_component->>'$.interval'") }} as salary_interval,
        cast(null as varchar) as salary_text,
        description_format,
        description_text,
        _source_file as loaded_from_file,
        _loaded_at as loaded_at

    from extracted

)

select * from renamed
