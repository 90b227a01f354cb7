-- Greenhouse Job Board API (`/v1/boards/<board>/jobs?content=true`), one job object per payload.
with

source as (

    select * from {{ source('raw', 'posting_versions') }}
    where source_kind = 'greenhouse'

),

extracted as (

    select
        *,
        -- The board's custom fields, e.g. {"name": "Employment Type", "value": "Regular"}.
        json_extract(payload, '$.metadata[*]') as metadata_fields,
        -- `remote` is the board's "Location Type"/"Workplace Type" custom field, when it has one.
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
        coalesce(
            {{ clean_text('employment_type') }},
            {{ clean_text("list_filter(
                metadata_fields,
                lambda field: lower(trim(field->>'$.name')) = 'employment type'
            )[1]->>'$.value'") }}
        ) as employment_type,
        -- `first_published`, else `updated_at`: ISO 8601 with the board's offset (-04:00).
        {{ to_utc_timestamp('posted_at') }} as posted_at,
        {{ to_utc_timestamp("payload->>'$.updated_at'") }} as source_updated_at,
        {{ to_utc_timestamp("payload->>'$.application_deadline'") }} as expires_at,
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
