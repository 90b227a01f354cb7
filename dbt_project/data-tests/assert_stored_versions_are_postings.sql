-- Stored versions that are not postings: their parser could not read the payload, or they have
-- no title once cleaned. They stay in raw (a fixed parser finds them again) and in
-- stg_raw__posting_versions_parsed, but not in stg_raw__posting_versions nor the marts. A
-- warning that names each source, record and reason, not a failure: one broken record never
-- stops the build.
{{ config(severity='warn') }}

with

parsed_versions as (

    select * from {{ ref('stg_raw__posting_versions_parsed') }}

),

not_postings as (

    select
        source_key,
        source_posting_id,
        content_hash,
        coalesce(
            parse_error,
            source_key || ': record ' || source_posting_id || ': no title once cleaned'
        ) as reason

    from parsed_versions
    where parse_error is not null or {{ clean_text('title') }} is null

)

select * from not_postings
