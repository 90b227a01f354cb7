-- The share of postings that mention each skill, by month, role family, industry bucket and
-- source. Every (cell, skill) pair is present, with 0 when no posting of the cell mentions the
-- skill, so that shares can be re-aggregated over any dimensions as
-- sum(mentioning_postings_count) / sum(postings_count).
with

postings as (

    select * from {{ ref('dim_postings') }}

),

posting_industries as (

    select * from {{ ref('fct_posting_industries') }}

),

posting_skills as (

    select * from {{ ref('fct_posting_skills') }}

),

skills as (

    select * from {{ ref('dim_skills') }}

),

postings_segmented as (

    select
        postings.posting_id,
        {{ posting_month('postings.posted_at', 'postings.first_seen_at') }} as posting_month,
        postings.role_family,
        posting_industries.industry_bucket,
        postings.source

    from postings
    inner join posting_industries
        on postings.posting_id = posting_industries.posting_id

),

cells as (

    select
        posting_month,
        role_family,
        industry_bucket,
        source,
        count(*) as postings_count

    from postings_segmented
    group by all

),

mentions as (

    select
        postings_segmented.posting_month,
        postings_segmented.role_family,
        postings_segmented.industry_bucket,
        postings_segmented.source,
        posting_skills.skill_id,
        count(*) as mentioning_postings_count,
        sum(posting_skills.mention_count) as mention_count

    from postings_segmented
    inner join posting_skills
        on postings_segmented.posting_id = posting_skills.posting_id
    group by all

),

final as (

    select
        {{ surrogate_key([
            'cells.posting_month', 'cells.role_family', 'cells.industry_bucket', 'cells.source',
            'skills.skill_id',
        ]) }} as skill_share_id,
        cells.posting_month,
        cells.role_family,
        cells.industry_bucket,
        cells.source,
        skills.skill_id,
        skills.skill_name,
        skills.skill_category,
        cells.postings_count,
        coalesce(mentions.mentioning_postings_count, 0) as mentioning_postings_count,
        coalesce(mentions.mentioning_postings_count, 0) / cells.postings_count as mention_share,
        {{ wilson_interval('coalesce(mentions.mentioning_postings_count, 0)',
                           'cells.postings_count', 'lower') }} as mention_share_lower,
        {{ wilson_interval('coalesce(mentions.mentioning_postings_count, 0)',
                           'cells.postings_count', 'upper') }} as mention_share_upper,
        coalesce(mentions.mention_count, 0) as mention_count

    from cells
    cross join skills
    left join mentions
        on
            cells.posting_month = mentions.posting_month
            and cells.role_family = mentions.role_family
            and cells.industry_bucket = mentions.industry_bucket
            and cells.source = mentions.source
            and skills.skill_id = mentions.skill_id

)

select * from final
