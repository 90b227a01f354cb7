-- Every version of every posting, whatever its source kind, typed and cleaned the same way: the
-- one staging model of the posting contract. The fields come from the kind's parser
-- (`stg_raw__posting_versions_parsed`) as published text; here they are trimmed, dates become
-- UTC timestamps, amounts numbers and workplace values one of remote / hybrid / onsite.
-- Only versions that are postings pass: one whose payload its parser could not read, or that has
-- no title once cleaned, stays in `stg_raw__posting_versions_parsed` (with `parse_error` naming
-- the source, the record and the reason) and in raw, where a fixed parser finds it again; the
-- data test `assert_stored_versions_are_postings` warns with each of them at every build.
--
-- Incremental like its input: a nightly build types only the versions parsed since the last
-- build; a changed parser or macro rebuilds everything (warehouse.pipeline.project_fingerprint).
{{ config(
    materialized='incremental',
    unique_key='posting_version_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
) }}
{%- set watermark = incremental_watermark('loaded_at') %}
with

parsed as (

    select * from {{ ref('stg_raw__posting_versions_parsed') }}
    {%- if watermark is not none %}
        where loaded_at >= {{ watermark }}
    {%- endif %}

),

typed as (

    select
        posting_version_id,
        posting_id,
        source_kind,
        source_key,
        source_posting_id,
        content_hash,
        first_crawl_run_id,
        first_fetched_at,
        {{ clean_text('title') }} as title,
        {{ clean_text('company_name') }} as company_name,
        {{ clean_text('location') }} as location,
        {{ clean_text('country') }} as country,
        {{ clean_text('region') }} as region,
        {{ clean_text('city') }} as city,
        {{ workplace_type('remote', fallback_location='location') }} as workplace_type,
        {{ clean_text('department') }} as department,
        {{ clean_text('employment_type') }} as employment_type,
        coalesce(
            {{ to_utc_timestamp('posted_at') }},
            {{ relative_posted_at('posted_at', 'first_fetched_at') }}
        ) as posted_at,
        {{ to_utc_timestamp('updated_at') }} as source_updated_at,
        {{ to_utc_timestamp('expires_at') }} as expires_at,
        coalesce({{ clean_text('url') }}, fetched_from_url) as url,
        {{ clean_text('apply_url') }} as apply_url,
        {{ clean_text('salary_currency') }} as salary_currency,
        try_cast({{ clean_text('salary_min') }} as double) as salary_min,
        try_cast({{ clean_text('salary_max') }} as double) as salary_max,
        {{ clean_text('salary_interval') }} as salary_interval,
        {{ clean_text('salary_text') }} as salary_text,
        description_format,
        description_text,
        industry_labels,
        parse_error,
        loaded_from_file,
        loaded_at

    from parsed

),

postings as (

    select * from typed
    where parse_error is null and title is not null

),

final as (

    select
        posting_version_id,
        posting_id,
        source_kind,
        source_key,
        source_posting_id,
        content_hash,
        first_crawl_run_id,
        first_fetched_at,
        title,
        company_name,
        location,
        country,
        region,
        city,
        workplace_type,
        department,
        employment_type,
        posted_at,
        source_updated_at,
        expires_at,
        url,
        apply_url,
        salary_currency,
        salary_min,
        salary_max,
        salary_interval,
        salary_text,
        description_format,
        description_text,
        industry_labels,
        loaded_from_file,
        loaded_at,
        workplace_type = 'remote' as is_remote

    from postings

)

select * from final
