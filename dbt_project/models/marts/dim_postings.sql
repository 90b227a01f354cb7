-- Incremental: every night changes a few percent of the postings (those seen again, closed or
-- regrouped), so a nightly build works out every posting's light columns (joins of narrow
-- tables), compares them with the table, and writes only the postings that changed: updated in
-- place when their latest version is the same (the description is then too), replaced with
-- their new description otherwise (macros/get_incremental_update_or_replace_sql.sql). A full
-- build writes every posting. The description is the last column.
{{ config(
    materialized='incremental',
    unique_key='posting_id',
    incremental_strategy='update_or_replace',
    meta={'replace_when_changed': 'latest_posting_version_id',
          'kept_on_update': ['description_text']},
    on_schema_change='fail',
) }}

with

-- Light columns only, and `not materialized`: DuckDB materialises a CTE read twice, and the
-- version table's descriptions made that a multi-GB spill at a million postings.
posting_versions as not materialized (

    select * exclude (description_text)
    from {{ ref('stg_raw__posting_versions') }}

),

latest_descriptions as (

    select
        posting_version_id,
        description_text

    from {{ ref('stg_raw__posting_versions') }}

),

postings_lifecycle as (

    select * from {{ ref('int_sightings_aggregated_to_postings') }}

),

job_titles_classified as (

    select * from {{ ref('int_job_titles_classified') }}

),

posting_versions_normalised as (

    select * from {{ ref('int_posting_versions_normalised') }}

),

postings_deduplicated as (

    select * from {{ ref('int_postings_deduplicated') }}

),

company_industries as (

    select * from {{ ref('company_industries') }}

),

company_name_cues as (

    select * from {{ ref('company_name_cues') }}

),

-- AI-first employers, for "Member of Technical Staff" (the labelling guide: an ML engineer at
-- an AI-first employer, a software role elsewhere): the known companies of industry
-- `artificial_intelligence`, and names with a cue of that industry ("Espresso AI").
ai_first_company_keys as (

    select company_key from company_industries
    where industry_id = 'artificial_intelligence'

),

ai_first_name_cues as (

    select cue from company_name_cues
    where industry_id = 'artificial_intelligence'

),

version_counts as (

    select
        posting_id,
        count(*) as versions_count

    from posting_versions
    group by posting_id

),

postings as (

    select
        postings_lifecycle.posting_id,
        latest_versions.source_kind as source,
        postings_lifecycle.source_key,
        postings_lifecycle.source_posting_id,
        latest_versions.company_name,
        latest_versions.title,
        normalised.title_clean,
        latest_versions.location,
        normalised.city,
        normalised.region,
        normalised.country_code,
        normalised.work_mode,
        normalised.work_mode = 'remote' as is_remote,
        latest_versions.department,
        normalised.employment_type,
        -- Impossible dates are null, with the reason (the `impossible_values` docs block).
        normalised.posted_at,
        cast(normalised.posted_at as date) as posted_date,
        normalised.posted_at_issue,
        {{ finite_timestamp('latest_versions.source_updated_at') }} as source_updated_at,
        {{ finite_timestamp('latest_versions.expires_at') }} as expires_at,
        normalised.salary_min,
        normalised.salary_max,
        normalised.salary_currency,
        normalised.salary_period,
        normalised.salary_min_annual,
        normalised.salary_max_annual,
        normalised.salary_source,
        normalised.salary_issue,
        latest_versions.url,
        latest_versions.apply_url,
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
        version_counts.versions_count,
        postings_deduplicated.canonical_posting_id,
        postings_deduplicated.is_canonical,
        postings_deduplicated.duplicate_count,
        postings_deduplicated.duplicate_rule,
        case
            when
                job_titles_classified.role_family = 'other'
                and regexp_matches(
                    job_titles_classified.role_title,
                    '^\s*((senior|sr\.?|staff|principal|lead|founding)\s+)*'
                    || '(member of (the )?technical staff|mts)\s*$'
                )
                and (
                    {{ company_key('latest_versions.company_name') }}
                    in (select ai_first.company_key from ai_first_company_keys as ai_first)
                    or exists (
                        select 1 from ai_first_name_cues as cues
                        where
                            (' ' || {{ company_key('latest_versions.company_name') }} || ' ')
                            like ('% ' || cues.cue || ' %')
                    )
                )
                then 'ml_engineer'
            else coalesce(job_titles_classified.role_family, 'other')
        end as role_family,
        job_titles_classified.seniority

    from postings_lifecycle
    inner join posting_versions as latest_versions
        on postings_lifecycle.latest_posting_version_id = latest_versions.posting_version_id
    inner join posting_versions_normalised as normalised
        on postings_lifecycle.latest_posting_version_id = normalised.posting_version_id
    inner join postings_deduplicated
        on postings_lifecycle.posting_id = postings_deduplicated.posting_id
    inner join version_counts
        on postings_lifecycle.posting_id = version_counts.posting_id
    left join job_titles_classified
        on latest_versions.title = job_titles_classified.title

),

{% if is_incremental() %}
-- Only the postings whose light columns differ from the table's (or that are new). Rows are
-- compared by a hash of all their light columns, joined on the key: at a million postings,
-- finding them took 5.6 s with an `except` of the two sides (hash tables of every column), 3.4 s
-- with the hashes. A changed row whose 64-bit hash stays the same (odds of 2^-64) would be missed.
    existing_hashes as (

        select
            posting_id,
            hash(existing) as row_hash

        from (select * exclude (description_text) from {{ this }}) as existing

    ),

    postings_changed as materialized (

        select postings.*
        from postings
        left join existing_hashes
            on postings.posting_id = existing_hashes.posting_id
        where
            existing_hashes.posting_id is null
            -- hash(postings) hashes the whole row, not a column.
            or hash(postings) <> existing_hashes.row_hash  -- noqa: RF02

    ),

    -- The postings that need their description: new ones, and those whose latest version changed.
    -- The others are updated in place and keep theirs (`kept_on_update`), so their rows carry none.
    descriptions_needed as (

        select postings_changed.latest_posting_version_id
        from postings_changed
        anti join {{ this }} as existing
            on
                postings_changed.posting_id = existing.posting_id
                and postings_changed.latest_posting_version_id = existing.latest_posting_version_id

    ),

    -- Materialised on its own: inlined, DuckDB turned the `in` filter into a join that built a
    -- hash table of every version's description (10 s of a nightly at a million postings, against
    -- 0.2 s).
    written_descriptions as materialized (

        select * from latest_descriptions
        where
            posting_version_id in (
                select needed.latest_posting_version_id from descriptions_needed as needed
            )

    ),

    final as (

        select
            postings.*,
            written_descriptions.description_text

        from postings_changed as postings
        left join written_descriptions
            on postings.latest_posting_version_id = written_descriptions.posting_version_id

    )

{%- else %}

-- The descriptions, found with an `in` filter rather than a join: DuckDB then never builds a
-- hash table of every version's description (seconds at a million).
    written_descriptions as (

        select * from latest_descriptions
        where
            posting_version_id in (
                select written.latest_posting_version_id from postings as written
            )

    ),

    final as (

        select
            postings.*,
            written_descriptions.description_text

        from postings
        inner join written_descriptions
            on postings.latest_posting_version_id = written_descriptions.posting_version_id

    )

{%- endif %}

select * from final
