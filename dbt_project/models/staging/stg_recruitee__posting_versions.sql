-- Recruitee Careers Site API (`/api/offers/`): one offer per payload. `remote` is the spider's
-- reading of the `remote`/`hybrid`/`on_site` flags; the salary is the structured `salary` object
-- (strings: {"min": "75000", "max": "90000", "currency": "EUR", "period": "year"}).
with

source as (

    select * from {{ source('raw', 'posting_versions') }}
    where source_kind = 'recruitee'

),

extracted as (

    select
        *,
        {{ workplace_type('remote') }} as workplace_type

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
        {{ clean_text("payload->>'$.country_code'") }} as country,
        {{ clean_text("coalesce(payload->>'$.state_name', payload->>'$.state_code')") }} as region,
        {{ clean_text("payload->>'$.city'") }} as city,
        workplace_type,
        workplace_type = 'remote' as is_remote,
        {{ clean_text('department') }} as department,
        {{ clean_text('employment_type') }} as employment_type,
        -- `published_at`: `2026-08-05 10:10:39 UTC`.
        {{ to_utc_timestamp('posted_at') }} as posted_at,
        {{ to_utc_timestamp("payload->>'$.updated_at'") }} as source_updated_at,
        {{ to_utc_timestamp("payload->>'$.close_at'") }} as expires_at,
        {{ clean_text('url') }} as url,
        {{ clean_text("payload->>'$.careers_apply_url'") }} as apply_url,
        {{ clean_text("payload->>'$.salary.currency'") }} as salary_currency,
        try_cast(payload->>'$.salary.min' as double) as salary_min,
        try_cast(payload->>'$.salary.max' as double) as salary_max,
        {{ clean_text("payload->>'$.salary.period'") }} as salary_interval,
        cast(null as varchar) as salary_text,
        description_format,
        description_text,
        _source_file as loaded_from_file,
        _loaded_at as loaded_at

    from extracted

)

select * from renamed
