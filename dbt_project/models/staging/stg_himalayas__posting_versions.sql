-- Himalayas API (`/jobs/api`): one job per payload. The board lists remote jobs only, so every
-- posting is `remote`; `locationRestrictions` (countries the hire may live in) is the location,
-- and a single restriction is the country. The salary is structured (`minSalary`, `maxSalary`,
-- `currency`, `salaryPeriod`: annual, monthly, hourly...).
with

source as (

    select * from {{ source('raw', 'posting_versions') }}
    where source_kind = 'himalayas'

),

extracted as (

    select
        *,
        'remote' as workplace_type,
        json_extract_string(payload, '$.locationRestrictions[*]') as location_restrictions

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
        case when len(location_restrictions) = 1 then {{ clean_text('location_restrictions[1]') }} end as country,
        cast(null as varchar) as region,
        cast(null as varchar) as city,
        workplace_type,
        workplace_type = 'remote' as is_remote,
        {{ clean_text('department') }} as department,
        {{ clean_text('employment_type') }} as employment_type,
        -- `pubDate`: epoch seconds.
        {{ to_utc_timestamp('posted_at') }} as posted_at,
        cast(null as timestamptz) as source_updated_at,
        {{ to_utc_timestamp("payload->>'$.expiryDate'") }} as expires_at,
        {{ clean_text('url') }} as url,
        cast(null as varchar) as apply_url,
        {{ clean_text("payload->>'$.currency'") }} as salary_currency,
        try_cast(payload->>'$.minSalary' as double) as salary_min,
        try_cast(payload->>'$.maxSalary' as double) as salary_max,
        case
            when coalesce(payload->>'$.minSalary', payload->>'$.maxSalary') is not null
                then {{ clean_text("payload->>'$.salaryPeriod'") }}
        end as salary_interval,
        cast(null as varchar) as salary_text,
        description_format,
        description_text,
        _source_file as loaded_from_file,
        _loaded_at as loaded_at

    from extracted

)

select * from renamed
