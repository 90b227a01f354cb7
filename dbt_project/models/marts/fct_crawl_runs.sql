with

crawl_runs as (

    select * from {{ ref('stg_raw__crawl_runs') }}

),

postings as (

    select * from {{ ref('dim_postings') }}

),

new_postings as (

    select
        first_seen_crawl_run_id as crawl_run_id,
        count(*) as new_posting_count

    from postings
    group by first_seen_crawl_run_id

),

closed_postings as (

    select
        closed_by_crawl_run_id as crawl_run_id,
        count(*) as closed_posting_count

    from postings
    where closed_by_crawl_run_id is not null
    group by closed_by_crawl_run_id

),

final as (

    select
        crawl_runs.crawl_run_id,
        crawl_runs.source_key,
        crawl_runs.source_kind,
        crawl_runs.started_at,
        cast(crawl_runs.started_at as date) as started_date,
        crawl_runs.finished_at,
        crawl_runs.duration_seconds,
        crawl_runs.status,
        crawl_runs.finish_reason,
        crawl_runs.is_complete,
        crawl_runs.request_count,
        crawl_runs.posting_count,
        crawl_runs.error_count,
        crawl_runs.error_summary,
        crawl_runs.loaded_at,
        row_number() over (
            partition by crawl_runs.source_key
            order by crawl_runs.started_at, crawl_runs.crawl_run_id
        ) as run_number,
        crawl_runs.started_at = max(crawl_runs.started_at) over (
            partition by crawl_runs.source_key
        ) as is_latest_run,
        crawl_runs.is_complete
        and crawl_runs.started_at = max(
            case when crawl_runs.is_complete then crawl_runs.started_at end
        ) over (partition by crawl_runs.source_key) as is_latest_complete_run,
        coalesce(new_postings.new_posting_count, 0) as new_posting_count,
        coalesce(closed_postings.closed_posting_count, 0) as closed_posting_count

    from crawl_runs
    left join new_postings
        on crawl_runs.crawl_run_id = new_postings.crawl_run_id
    left join closed_postings
        on crawl_runs.crawl_run_id = closed_postings.crawl_run_id

)

select * from final
