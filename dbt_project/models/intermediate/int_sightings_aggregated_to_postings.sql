-- The lifecycle of each posting, from the runs that saw it and the complete runs that did not.
-- A posting is closed by the first complete run of its source (status `succeeded`, postings > 0)
-- that started after the last run that saw it; partial, empty and failed runs close nothing, and
-- neither does a suspect run (fewer than half the postings of the previous complete run).
--
-- Incremental: a night's runs change only the postings they saw and the open postings of their
-- sources (which they may close). A nightly build finds the runs loaded since the last build
-- (at or after the load time of the newest run the table already reflects), works out those
-- postings again from all their sightings, and replaces their rows; every other row stays.
{{ config(
    materialized='incremental',
    unique_key='posting_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
) }}
{%- set watermark = lifecycle_watermark() %}

with

crawl_runs as (

    select * from {{ ref('stg_raw__crawl_runs') }}

),

{% if watermark is not none %}
    new_runs as (

        select
            crawl_run_id,
            source_key
        from crawl_runs
        where loaded_at >= {{ watermark }}

    ),

    -- The postings the new runs saw, and the open postings of their sources.
    affected_postings as (

        select
            source_key,
            source_posting_id
        from {{ ref('stg_raw__sightings') }}
        where crawl_run_id in (select new_runs.crawl_run_id from new_runs)

        union

        select
            source_key,
            source_posting_id
        from {{ this }}
        where
            is_active
            and source_key in (select new_runs.source_key from new_runs)

    ),

    sightings as (

        select sightings.*
        from {{ ref('stg_raw__sightings') }} as sightings
        semi join affected_postings
            on
                sightings.source_key = affected_postings.source_key
                and sightings.source_posting_id = affected_postings.source_posting_id

    ),
{% else %}
    sightings as (

        select * from {{ ref('stg_raw__sightings') }}

    ),
{% endif %}

sightings_with_runs as (

    select
        sightings.source_key,
        sightings.source_posting_id,
        sightings.crawl_run_id,
        sightings.content_hash,
        sightings.seen_at,
        crawl_runs.started_at as run_started_at,
        crawl_runs.loaded_at as run_loaded_at

    from sightings
    inner join crawl_runs
        on sightings.crawl_run_id = crawl_runs.crawl_run_id

),

-- Grouped by the raw key, and the derived keys built after the grouping: once per posting
-- rather than once per sighting (there are about ten sightings per posting).
aggregated_by_key as (

    select
        source_key,
        source_posting_id,
        min(seen_at) as first_seen_at,
        max(seen_at) as last_seen_at,
        count(*) as times_seen,
        arg_min(crawl_run_id, run_started_at) as first_seen_crawl_run_id,
        arg_max(crawl_run_id, run_started_at) as last_seen_crawl_run_id,
        max(run_started_at) as last_seen_run_started_at,
        arg_max(run_loaded_at, run_started_at) as last_seen_run_loaded_at,
        arg_max(content_hash, run_started_at) as latest_content_hash

    from sightings_with_runs
    group by source_key, source_posting_id

),

aggregated as (

    select
        source_key || ':' || source_posting_id as posting_id,
        {{ surrogate_key(['source_key', 'source_posting_id', 'latest_content_hash']) }}
            as latest_posting_version_id,
        *

    from aggregated_by_key

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
    ) as complete_runs
    where
        previous_complete_posting_count is null
        or posting_count is null
        or posting_count * 2 >= previous_complete_posting_count

),

-- The closing run is the source's first complete run after the last run that saw the posting:
-- an ASOF join finds it directly, instead of pairing every posting with every later run.
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
        aggregated.last_seen_run_loaded_at,
        aggregated.latest_posting_version_id,
        aggregated.latest_content_hash,
        complete_runs.started_at as closed_at,
        complete_runs.crawl_run_id as closed_by_crawl_run_id,
        complete_runs.started_at is null as is_active

    from aggregated
    asof left join complete_runs
        on
            aggregated.source_key = complete_runs.source_key
            and aggregated.last_seen_run_started_at < complete_runs.started_at

)

select * from final
