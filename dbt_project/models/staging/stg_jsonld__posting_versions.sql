-- Career pages that embed a schema.org JobPosting as JSON-LD: one JobPosting object per payload.
-- schema.org allows a property to be a text, an object or a list of either; each field below
-- reads the forms seen on real pages and is null otherwise.
with

source as (

    select * from {{ source('raw', 'posting_versions') }}
    where source_kind = 'jsonld'

),

extracted as (

    select
        *,
        -- `jobLocationType` TELECOMMUTE means remote; else the location decides.
        {{ workplace_type('remote', fallback_location='location') }} as workplace_type,
        case json_type(payload, '$.jobLocation')
            when 'ARRAY' then json_extract(payload, '$.jobLocation[0]')
            else json_extract(payload, '$.jobLocation')
        end as job_location,
        json_extract(payload, '$.baseSalary') as base_salary,
        case json_type(payload, '$.employmentType')
            when 'ARRAY'
                then array_to_string(
                    json_extract_string(payload, '$.employmentType[*]'), ', '
                )
            else json_extract_string(payload, '$.employmentType')
        end as published_employment_type

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
        -- `jobLocation.address.addressCountry`: a code or name, or a Country object.
        {{ clean_text("case json_type(job_location, '$.address.addressCountry')
            when 'OBJECT' then job_location->>'$.address.addressCountry.name'
            else job_location->>'$.address.addressCountry'
        end") }} as country,
        {{ clean_text("job_location->>'$.address.addressRegion'") }} as region,
        {{ clean_text("job_location->>'$.address.addressLocality'") }} as city,
        workplace_type,
        workplace_type = 'remote' as is_remote,
        {{ clean_text('department') }} as department,
        coalesce(
            {{ clean_text('employment_type') }},
            {{ clean_text('published_employment_type') }}
        ) as employment_type,
        -- `datePosted`: a date (2024-01-15) or a date-time, with or without an offset.
        coalesce(
            {{ to_utc_timestamp('posted_at') }},
            {{ to_utc_timestamp("payload->>'$.datePosted'") }}
        ) as posted_at,
        {{ to_utc_timestamp("payload->>'$.dateModified'") }} as source_updated_at,
        {{ to_utc_timestamp("payload->>'$.validThrough'") }} as expires_at,
        coalesce({{ clean_text('url') }}, {{ clean_text("payload->>'$.url'") }}) as url,
        cast(null as varchar) as apply_url,
        -- `baseSalary`: a MonetaryAmount whose `value` is a QuantitativeValue (min/max or value).
        {{ clean_text("base_salary->>'$.currency'") }} as salary_currency,
        coalesce(
            try_cast(base_salary->>'$.value.minValue' as double),
            try_cast(base_salary->>'$.value.value' as double),
            try_cast(base_salary->>'$.value' as double)
        ) as salary_min,
        coalesce(
            try_cast(base_salary->>'$.value.maxValue' as double),
            try_cast(base_salary->>'$.value.value' as double),
            try_cast(base_salary->>'$.value' as double)
        ) as salary_max,
        {{ clean_text("base_salary->>'$.value.unitText'") }} as salary_interval,
        cast(null as varchar) as salary_text,
        description_format,
        description_text,
        _source_file as loaded_from_file,
        _loaded_at as loaded_at

    from extracted

)

select * from renamed
