-- The lifecycle of each posting, from the runs that saw it and the complete runs that did not.
-- A posting is closed by the first complete run of its source (status `succeeded`, postings > 0)
-- that started after the last run that saw it; partial, empty and failed runs close nothing, and
-- neither does a suspect run (fewer than half the postings of the previous complete run).
with

sightings as (

    select * from {{ ref('stg_raw__sightings') }}

),

crawl_runs as (

    select * from {{ ref('stg_raw__crawl_runs') }}

),

sightings_with_runs as (

    select
        sightings.posting_id,
        sightings.source_key,
        sightings.source_posting_id,
        sightings.crawl_run_id,
        sightings.posting_version_id,
        sightings.content_hash,
        sightings.seen_at,
        crawl_runs.started_at as run_started_at

    from sightings
    inner join crawl_runs
        on sightings.crawl_run_id = crawl_runs.crawl_run_id

),

aggregated as (

    select
        posting_id,
        any_value(source_key) as source_key,
        any_value(source_posting_id) as source_posting_id,
        min(seen_at) as first_seen_at,
        max(seen_at) as last_seen_at,
        count(*) as times_seen,
        arg_min(crawl_run_id, run_started_at) as first_seen_crawl_run_id,
        arg_max(crawl_run_id, run_started_at) as last_seen_crawl_run_id,
        max(run_started_at) as last_seen_run_started_at,
        arg_max(posting_version_id, run_started_at) as latest_posting_version_id,
        arg_max(content_hash, run_started_at) as latest_content_hash

    from sightings_with_runs
    group by posting_id

),

-- A complete run that found fewer than half the postings of the source's previous complete run
-- is suspect (a changed page, a block, a truncated answer): it is reported in
-- marts.source_health and closes nothing. The next run is compared with it, so a source that
-- really shrank closes its postings one night later.
complete_runs as (

    select
        crawl_run_id,
        source_key,
        started_at

    from (
        select
            *,
            lag(posting_count) over (
                partition by source_key order by started_at, crawl_run_id
            ) as previous_complete_posting_count
        from crawl_runs
        where is_complete
    )
    where previous_complete_posting_count is null
        or posting_count is null
        or posting_count * 2 >= previous_complete_posting_count

),

closing_runs as (

    select
        aggregated.posting_id,
        min(complete_runs.started_at) as closed_at,
        arg_min(complete_runs.crawl_run_id, complete_runs.started_at) as closed_by_crawl_run_id

    from aggregated
    inner join complete_runs
        on aggregated.source_key = complete_runs.source_key
        and complete_runs.started_at > aggregated.last_seen_run_started_at
    group by aggregated.posting_id

),

final as (

    select
        aggregated.posting_id,
        aggregated.source_key,
        aggregated.source_posting_id,
        aggregated.first_seen_at,
        aggregated.last_seen_at,
        aggregated.times_seen,
        aggregated.first_seen_crawl_run_id,
        aggregated.last_seen_crawl_run_id,
        aggregated.latest_posting_version_id,
        aggregated.latest_content_hash,
        closing_runs.closed_at is null as is_active,
        closing_runs.closed_at,
        closing_runs.closed_by_crawl_run_id

    from aggregated
    left join closing_runs
        on aggregated.posting_id = closing_runs.posting_id

)

select * from final
