-- Posting versions whose published date staging could not read: the text the source sent stays
-- in raw.posting_versions.posted_at, the typed `posted_at` is null. A warning that names each
-- source and record, not a failure: a posting with an unreadable date is still a posting.
{{ config(severity='warn') }}

with

raw_versions as (

    select * from {{ source('raw', 'posting_versions') }}

),

typed_versions as (

    select * from {{ ref('int_posting_versions_unioned') }}

),

unreadable as (

    select
        raw_versions.source_key,
        raw_versions.source_posting_id,
        raw_versions.content_hash,
        raw_versions.posted_at as published_value

    from raw_versions
    inner join typed_versions
        on raw_versions.source_key = typed_versions.source_key
        and raw_versions.source_posting_id = typed_versions.source_posting_id
        and raw_versions.content_hash = typed_versions.content_hash
    where
        nullif(trim(raw_versions.posted_at), '') is not null
        and typed_versions.posted_at is null

)

select * from unreadable
