-- Workday career sites (`/wday/cxs/<tenant>/<site>/job/...` detail answers): one detail per payload.
-- `remote` is `remoteType` where the tenant publishes it. `posted_at` is `startDate` (a date), else
-- the relative `postedOn` text ("Posted 8 Days Ago", "Posted Yesterday", "Posted Today"), read
-- against the day the version was first fetched; "Posted 30+ Days Ago" says too little (null).
-- US locations are written "USA <state code> <city>" ("USA DC Washington").
with

source as (

    select * from {{ source('raw', 'posting_versions') }}
    where source_kind = 'workday'

),

extracted as (

    select
        *,
        {{ workplace_type('remote', fallback_location='location') }} as workplace_type,
        not contains(coalesce(location, ''), ';') as has_one_place,
        regexp_extract(location, '^USA ([A-Z]{2}) (.+)$', ['state_code', 'city_name']) as us_place,
        lower(trim(payload->>'$.jobPostingInfo.postedOn')) as posted_on

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
        case when has_one_place then {{ clean_text("coalesce(
            payload->>'$.jobPostingInfo.jobRequisitionLocation.country.alpha2Code',
            payload->>'$.jobPostingInfo.country.descriptor'
        )") }} end as country,
        case when has_one_place then {{ clean_text("us_place.state_code") }} end as region,
        case when has_one_place then {{ clean_text("us_place.city_name") }} end as city,
        workplace_type,
        workplace_type = 'remote' as is_remote,
        {{ clean_text('department') }} as department,
        -- `timeType` (`Full time`, `Part time`).
        {{ clean_text('employment_type') }} as employment_type,
        coalesce(
            {{ to_utc_timestamp('posted_at') }},
            case
                when posted_on = 'posted today'
                    then date_trunc('day', first_fetched_at)
                when posted_on = 'posted yesterday'
                    then date_trunc('day', first_fetched_at) - interval 1 day
                when regexp_full_match(posted_on, 'posted \d{1,2} days? ago')
                    then date_trunc('day', first_fetched_at) - to_days(
                        cast(regexp_extract(posted_on, '(\d+)', 1) as integer)
                    )
            end
        ) as posted_at,
        cast(null as timestamptz) as source_updated_at,
        {{ to_utc_timestamp("payload->>'$.jobPostingInfo.endDate'") }} as expires_at,
        coalesce({{ clean_text('url') }}, {{ clean_text("payload->>'$.jobPostingInfo.externalUrl'") }}) as url,
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
