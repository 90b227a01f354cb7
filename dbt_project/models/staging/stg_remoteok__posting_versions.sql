-- Remote OK API (`/api`): one job per payload. The board lists remote jobs only, so every posting
-- is `remote`. `salary_min`/`salary_max` are whole US dollars a year as the board shows them
-- ("$80k - $120k/year"); 0 means not published.
with

source as (

    select * from {{ source('raw', 'posting_versions') }}
    where source_kind = 'remoteok'

),

extracted as (

    select
        *,
        'remote' as workplace_type,
        nullif(try_cast(payload->>'$.salary_min' as double), 0) as published_salary_min,
        nullif(try_cast(payload->>'$.salary_max' as double), 0) as published_salary_max

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
        {{ clean_text('employment_type') }} as employment_type,
        -- `date` (ISO 8601), else `epoch` (seconds).
        coalesce(
            {{ to_utc_timestamp('posted_at') }},
            {{ to_utc_timestamp("payload->>'$.epoch'") }}
        ) as posted_at,
        cast(null as timestamptz) as source_updated_at,
        cast(null as timestamptz) as expires_at,
        {{ clean_text('url') }} as url,
        {{ clean_text("payload->>'$.apply_url'") }} as apply_url,
        case when coalesce(published_salary_min, published_salary_max) is not null then 'USD' end as salary_currency,
        published_salary_min as salary_min,
        published_salary_max as salary_max,
        case when coalesce(published_salary_min, published_salary_max) is not null then 'year' end as salary_interval,
        cast(null as varchar) as salary_text,
        description_format,
        description_text,
        _source_file as loaded_from_file,
        _loaded_at as loaded_at

    from extracted

)

select * from renamed
