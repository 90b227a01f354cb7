-- Workable job widget (`/api/v1/widget/accounts/<account>?details=true`): one job per payload (the
-- first widget row of a shortcode; the spider joins the places of a job's rows into `location`,
-- `; `-separated). `remote` is `telecommuting` as JSON text: `true` means remote; `false` does not
-- say whether the job is hybrid or on-site, so it stays null.
with

source as (

    select * from {{ source('raw', 'posting_versions') }}
    where source_kind = 'workable'

),

extracted as (

    select
        *,
        {{ workplace_type("case when remote = 'true' then 'remote' end") }} as workplace_type,
        -- The structured place only when the job has one place (its first `locations` entry).
        case when not contains(coalesce(location, ''), ';')
            then coalesce(json_extract(payload, '$.locations[0]'), '{}')
        end as single_place

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
        {{ clean_text("coalesce(
            nullif(single_place->>'$.countryCode', ''),
            case when single_place is not null then payload->>'$.country' end
        )") }} as country,
        {{ clean_text("single_place->>'$.region'") }} as region,
        {{ clean_text("single_place->>'$.city'") }} as city,
        workplace_type,
        workplace_type = 'remote' as is_remote,
        {{ clean_text('department') }} as department,
        {{ clean_text('employment_type') }} as employment_type,
        -- `published_on` (a date), else `created_at`.
        {{ to_utc_timestamp('posted_at') }} as posted_at,
        cast(null as timestamptz) as source_updated_at,
        cast(null as timestamptz) as expires_at,
        {{ clean_text('url') }} as url,
        {{ clean_text("payload->>'$.application_url'") }} as apply_url,
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
