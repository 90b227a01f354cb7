-- Groups the postings that are one job: the same posting seen under several source keys, or
-- re-posted under a new id. The rule is the `deduplication` docs block of
-- _intermediate__docs.md: exact URL first, then a content fingerprint over a 60-day window.
with

postings_lifecycle as (

    select * from {{ ref('int_sightings_aggregated_to_postings') }}

),

posting_versions_normalised as (

    select * from {{ ref('int_posting_versions_normalised') }}

),

-- Each posting's keys are its latest version's, read once per version in
-- int_posting_versions_normalised.
postings as (

    select
        postings_lifecycle.posting_id,
        posting_versions_normalised.url_key,
        posting_versions_normalised.company_key,
        posting_versions_normalised.title_key,
        posting_versions_normalised.description_fingerprint,
        posting_versions_normalised.country_code,
        posting_versions_normalised.city,
        coalesce(posting_versions_normalised.posted_at, postings_lifecycle.first_seen_at)
            as first_date

    from postings_lifecycle
    inner join posting_versions_normalised
        on
            postings_lifecycle.latest_posting_version_id
            = posting_versions_normalised.posting_version_id

),

-- 1. Exact key: postings with the same URL are one posting.
url_grouped as (

    select
        *,
        case
            when url_key is null then posting_id
            else first_value(posting_id) over (
                partition by url_key order by first_date, posting_id
            )
        end as url_group_id

    from postings

),

-- 2. Content: same company, title and description fingerprint. Postings whose locations
-- disagree (two countries, or two cities) are a series of one job per place, never grouped:
-- the content group is then split by place.
content_keyed as (

    select
        *,
        case
            when
                company_key is not null and title_key is not null
                and description_fingerprint is not null
                then company_key || '|' || title_key || '|' || description_fingerprint
        end as content_key

    from url_grouped

),

content_places as (

    select
        *,
        count(distinct country_code) over (partition by content_key) as content_country_count,
        count(distinct city) over (partition by content_key) as content_city_count

    from content_keyed

),

content_placed as (

    select
        *,
        case
            when content_key is null then null
            when content_country_count <= 1 and content_city_count <= 1 then content_key
            else content_key || '|' || coalesce(country_code, '') || '|' || coalesce(city, '')
        end as content_place_key

    from content_places

),

-- 3. Time window: a posting first dated more than 60 days after the previous one of its
-- content group starts a new group (the job was advertised again, not re-posted).
content_windowed as (

    select
        *,
        sum(case when days_since_previous > 60 then 1 else 0 end) over (
            partition by content_place_key order by first_date, posting_id
            rows unbounded preceding
        ) as window_number

    from (
        select
            *,
            date_diff(
                'day',
                lag(first_date)
                    over (partition by content_place_key order by first_date, posting_id),
                first_date
            ) as days_since_previous
        from content_placed
    ) as content_dated

),

grouped as (

    select
        *,
        case
            when content_place_key is null then url_group_id
            else min(url_group_id) over (partition by content_place_key, window_number)
        end as group_seed

    from content_windowed

),

canonical as (

    select
        *,
        first_value(posting_id) over (
            partition by group_seed order by first_date, posting_id
        ) as canonical_posting_id,
        count(*) over (partition by group_seed) as duplicate_count,
        count(*) over (partition by url_group_id) as url_group_size

    from grouped

),

final as (

    select
        posting_id,
        canonical_posting_id,
        duplicate_count,
        posting_id = canonical_posting_id as is_canonical,
        case
            when duplicate_count = 1 then 'unique'
            when url_group_size = duplicate_count then 'same_url'
            else 'same_content'
        end as duplicate_rule

    from canonical

)

select * from final
