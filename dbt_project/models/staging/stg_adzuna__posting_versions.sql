-- Adzuna Search API (`/v1/api/jobs/<market>/search/<page>`): one result per payload.
-- `location.area` is the place's hierarchy (["US", "Virginia", "Arlington County", "State Farm"]).
-- `salary_min`/`salary_max` are annual amounts in the market's currency; when
-- `salary_is_predicted` is "1" they are Adzuna's estimate, not the employer's, and are dropped.
with

source as (

    select * from {{ source('raw', 'posting_versions') }}
    where source_kind = 'adzuna'

),

extracted as (

    select
        *,
        json_extract_string(payload, '$.location.area[*]') as area,
        payload->>'$.salary_is_predicted' = '0' as has_published_salary

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
        {{ clean_text('area[1]') }} as country,
        {{ clean_text('area[2]') }} as region,
        case when len(area) >= 4 then {{ clean_text('area[4]') }} end as city,
        cast(null as varchar) as workplace_type,
        workplace_type = 'remote' as is_remote,
        {{ clean_text('department') }} as department,
        -- `contract_time` and `contract_type` joined (`full_time`, `permanent`, `contract`...).
        {{ clean_text('employment_type') }} as employment_type,
        -- `created`: ISO 8601 with `Z`.
        {{ to_utc_timestamp('posted_at') }} as posted_at,
        cast(null as timestamptz) as source_updated_at,
        cast(null as timestamptz) as expires_at,
        {{ clean_text('url') }} as url,
        cast(null as varchar) as apply_url,
        case when has_published_salary then
            case upper(area[1])
                when 'US' then 'USD' when 'UK' then 'GBP' when 'GB' then 'GBP'
                when 'CA' then 'CAD' when 'AU' then 'AUD' when 'NZ' then 'NZD'
                when 'IN' then 'INR' when 'SG' then 'SGD' when 'ZA' then 'ZAR'
                when 'BR' then 'BRL' when 'MX' then 'MXN' when 'PL' then 'PLN'
                when 'CH' then 'CHF'
                when 'AT' then 'EUR' when 'BE' then 'EUR' when 'DE' then 'EUR'
                when 'ES' then 'EUR' when 'FR' then 'EUR' when 'IT' then 'EUR'
                when 'NL' then 'EUR'
            end
        end as salary_currency,
        case when has_published_salary then try_cast(payload->>'$.salary_min' as double) end as salary_min,
        case when has_published_salary then try_cast(payload->>'$.salary_max' as double) end as salary_max,
        case
            when has_published_salary and coalesce(payload->>'$.salary_min', payload->>'$.salary_max') is not null
                then 'year'
        end as salary_interval,
        cast(null as varchar) as salary_text,
        description_format,
        description_text,
        _source_file as loaded_from_file,
        _loaded_at as loaded_at

    from extracted

)

select * from renamed
