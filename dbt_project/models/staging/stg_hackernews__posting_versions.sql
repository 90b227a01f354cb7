-- Hacker News "Ask HN: Who is hiring?" threads through the Algolia HN Search API: one top-level
-- comment (an Algolia hit) per payload. Title, company, location and remote are the spider's
-- reading of the comment's first line (`Company | Role | Location | REMOTE | ...`).
with

source as (

    select * from {{ source('raw', 'posting_versions') }}
    where source_kind = 'hackernews'

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
        {{ clean_text('employment_type') }} as employment_type,
        -- The comment's `created_at` (ISO 8601, `Z`), else its `created_at_i` (epoch seconds).
        coalesce(
            {{ to_utc_timestamp('posted_at') }},
            {{ to_utc_timestamp("payload->>'$.created_at'") }},
            {{ to_utc_timestamp("payload->>'$.created_at_i'") }}
        ) as posted_at,
        {{ to_utc_timestamp("payload->>'$.updated_at'") }} as source_updated_at,
        cast(null as timestamptz) as expires_at,
        coalesce(
            {{ clean_text('url') }},
            'https://news.ycombinator.com/item?id=' || {{ clean_text('source_posting_id') }}
        ) as url,
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
