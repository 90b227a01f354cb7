-- One row per source and crawl night: what the source returned, what changed, and whether the
-- night looks wrong. The rule is the `source_health` docs block of _marts__docs.md.
with

crawl_runs as (

    select * from {{ ref('fct_crawl_runs') }}

),

industry_label_parts as (

    select * from {{ ref('int_industry_labels_mapped') }}

),

postings as (

    select * from {{ ref('dim_postings') }}

),

decisions as (

    select * from {{ ref('stg_raw__schedule_decisions') }}

),

-- The scheduler's last word on each source and night (scrapers/schedule.py).
night_decisions as (

    select
        source_key,
        decided_date as crawl_date,
        arg_max(is_due, decided_at) as is_due,
        arg_max(schedule, decided_at) as schedule,
        arg_max(reason, decided_at) as schedule_reason

    from decisions
    group by source_key, decided_date

),

-- Published industry labels (or listed parts of them) that map to nothing, per source and the
-- night the posting was last seen: a source that starts writing industries another way shows
-- here before the industry shares drift.
unmapped_industry_labels as (

    select
        postings.source_key,
        cast(postings.last_seen_at as date) as crawl_date,
        count(distinct industry_label_parts.posting_version_id) as unmapped_industry_labels

    from industry_label_parts
    inner join postings
        on industry_label_parts.posting_version_id = postings.latest_posting_version_id
    where not industry_label_parts.is_mapped
    group by all

),

-- Several runs of one source in one night count as one night: their postings and counts are
-- those of the night's last run; errors add up.
nights as (

    select
        source_key,
        started_date as crawl_date,
        any_value(source_kind) as source_kind,
        count(*) as run_count,
        arg_max(crawl_run_id, started_at) as last_crawl_run_id,
        arg_max(status, started_at) as status,
        arg_max(is_complete, started_at) as is_complete,
        arg_max(posting_count, started_at) as postings_seen,
        sum(new_posting_count) as new_postings,
        sum(closed_posting_count) as closed_postings,
        sum(error_count) as errors

    from crawl_runs
    group by source_key, started_date

),

compared as (

    select
        *,
        lag(postings_seen) over source_nights as previous_postings_seen,
        -- The median of the source's last 7 nights before this one that returned postings.
        median(nullif(postings_seen, 0)) over (
            source_nights rows between 7 preceding and 1 preceding
        ) as trailing_median_postings,
        last_value(case when is_complete then postings_seen end ignore nulls) over (
            source_nights rows between unbounded preceding and 1 preceding
        ) as previous_complete_postings

    from nights
    window source_nights as (partition by source_key order by crawl_date)

),

final as (

    select
        source_key,
        source_kind,
        crawl_date,
        run_count,
        last_crawl_run_id,
        status,
        postings_seen,
        new_postings,
        closed_postings,
        errors,
        previous_postings_seen,
        trailing_median_postings,
        postings_seen - previous_postings_seen as postings_change,
        is_complete and previous_complete_postings is not null
        and postings_seen * 2 < previous_complete_postings as is_suspect_run,
        case
            when postings_seen = 0 and coalesce(previous_postings_seen, 0) > 0
                then 'zero_postings'
            when status = 'failed' then 'run_failed'
            when
                trailing_median_postings is not null
                and postings_seen < 0.5 * trailing_median_postings
                then 'below_half_of_trailing_median'
        end as anomaly_reason

    from compared

),

crawled as (

    select
        final.*,
        night_decisions.schedule,
        cast(null as varchar) as skip_reason,
        final.anomaly_reason is not null as is_anomalous,
        coalesce(unmapped_industry_labels.unmapped_industry_labels, 0)
            as unmapped_industry_labels

    from final
    left join unmapped_industry_labels
        on
            final.source_key = unmapped_industry_labels.source_key
            and final.crawl_date = unmapped_industry_labels.crawl_date
    left join night_decisions
        on
            final.source_key = night_decisions.source_key
            and final.crawl_date = night_decisions.crawl_date

),

source_kinds as (

    select
        source_key,
        any_value(source_kind) as source_kind

    from nights
    group by source_key

),

-- Nights the scheduler left a source out (not due, or backing off) and no run of it started.
skipped as (

    select
        night_decisions.source_key,
        source_kinds.source_kind,
        night_decisions.crawl_date,
        0 as run_count,
        cast(null as varchar) as last_crawl_run_id,
        'not_crawled' as status,
        cast(null as bigint) as postings_seen,
        0 as new_postings,
        0 as closed_postings,
        0 as errors,
        cast(null as bigint) as previous_postings_seen,
        cast(null as double) as trailing_median_postings,
        cast(null as bigint) as postings_change,
        false as is_suspect_run,
        cast(null as varchar) as anomaly_reason,
        false as is_anomalous,
        0 as unmapped_industry_labels,
        night_decisions.schedule,
        night_decisions.schedule_reason as skip_reason

    from night_decisions
    inner join source_kinds
        on night_decisions.source_key = source_kinds.source_key
    where
        not night_decisions.is_due
        and not exists (
            select 1
            from nights
            where
                nights.source_key = night_decisions.source_key
                and nights.crawl_date = night_decisions.crawl_date
        )

),

all_nights as (

    select * from crawled
    union all by name
    select * from skipped

)

select
    *,
    max(case when run_count > 0 then crawl_date end) over (
        partition by source_key order by crawl_date
        rows between unbounded preceding and current row
    ) as last_crawled_date
from all_nights
