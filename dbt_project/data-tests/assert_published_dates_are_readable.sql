-- Posting versions whose published date staging could not read: the text the parser read from
-- the payload stays in stg_raw__posting_versions_parsed.posted_at, the typed `posted_at` is null.
-- A warning that names each source and record, not a failure: a posting with an unreadable date
-- is still a posting.
{{ config(severity='warn') }}

with

parsed_versions as (

    select * from {{ ref('stg_raw__posting_versions_parsed') }}

),

typed_versions as (

    select * from {{ ref('stg_raw__posting_versions') }}

),

unreadable as (

    select
        parsed_versions.source_key,
        parsed_versions.source_posting_id,
        parsed_versions.content_hash,
        parsed_versions.posted_at as published_value

    from parsed_versions
    inner join typed_versions
        on parsed_versions.posting_version_id = typed_versions.posting_version_id
    where
        nullif(trim(parsed_versions.posted_at), '') is not null
        and typed_versions.posted_at is null

)

select * from unreadable
