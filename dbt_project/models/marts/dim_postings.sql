with

posting_versions as (

    select * from {{ ref('int_posting_versions_unioned') }}

),

postings_lifecycle as (

    select * from {{ ref('int_sightings_aggregated_to_postings') }}

),

version_counts as (

    select
        posting_id,
        count(*) as versions_count

    from posting_versions
    group by posting_id

),

final as (

    select
        postings_lifecycle.posting_id,
        latest_versions.source_kind as source,
        postings_lifecycle.source_key,
        postings_lifecycle.source_posting_id,
        latest_versions.company_name,
        latest_versions.title,
        latest_versions.location,
        latest_versions.country,
        latest_versions.is_remote,
        latest_versions.workplace_type,
        latest_versions.department,
        latest_versions.employment_type,
        latest_versions.posted_at,
        cast(latest_versions.posted_at as date) as posted_date,
        latest_versions.source_updated_at,
        latest_versions.expires_at,
        latest_versions.salary_currency,
        latest_versions.salary_min,
        latest_versions.salary_max,
        latest_versions.salary_interval,
        latest_versions.url,
        latest_versions.apply_url,
        latest_versions.description_text,
        postings_lifecycle.first_seen_at,
        postings_lifecycle.last_seen_at,
        postings_lifecycle.times_seen,
        postings_lifecycle.is_active,
        postings_lifecycle.closed_at,
        postings_lifecycle.first_seen_crawl_run_id,
        postings_lifecycle.last_seen_crawl_run_id,
        postings_lifecycle.closed_by_crawl_run_id,
        postings_lifecycle.latest_posting_version_id,
        postings_lifecycle.latest_content_hash,
        version_counts.versions_count

    from postings_lifecycle
    inner join posting_versions as latest_versions
        on postings_lifecycle.latest_posting_version_id = latest_versions.posting_version_id
    inner join version_counts
        on postings_lifecycle.posting_id = version_counts.posting_id

)

select * from final
