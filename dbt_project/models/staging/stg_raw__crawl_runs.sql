with

source as (

    select * from {{ source('raw', 'crawl_runs') }}

),

renamed as (

    select
        crawl_run_id,
        source_key,
        source_kind,
        started_at,
        finished_at,
        date_diff('millisecond', started_at, finished_at) / 1000.0 as duration_seconds,
        finish_reason,
        status,
        requests as request_count,
        postings as posting_count,
        errors as error_count,
        status = 'succeeded' and postings > 0 as is_complete,
        {{ clean_text('error_summary') }} as error_summary,
        counters,
        _source_file as loaded_from_file,
        _loaded_at as loaded_at

    from source

)

select * from renamed
