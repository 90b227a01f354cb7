with

source as (

    select * from {{ source('raw', 'sightings') }}

),

renamed as (

    select
        {{ surrogate_key(['crawl_run_id', 'source_key', 'source_posting_id']) }} as sighting_id,
        source_key || ':' || source_posting_id as posting_id,
        {{ surrogate_key(['source_key', 'source_posting_id', 'content_hash']) }}
            as posting_version_id,
        crawl_run_id,
        source_key,
        source_posting_id,
        content_hash,
        seen_at

    from source

)

select * from renamed
