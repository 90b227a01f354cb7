-- The study's measure for its categories: the share of postings that mention each theme,
-- activity, way of working and organisation, by month, role family, industry bucket and source.
-- Every (cell, category) pair is present, with 0 when no posting of the cell mentions the
-- category, so that shares can be re-aggregated over any dimensions as
-- sum(mentioning_postings_count) / sum(postings_count).
with

postings as (

    select * from {{ ref('dim_postings') }}

),

posting_industries as (

    select * from {{ ref('fct_posting_industries') }}

),

posting_themes as (

    select * from {{ ref('fct_posting_themes') }}

),

themes as (

    select * from {{ ref('dim_themes') }}

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
        posting_themes.theme_id,
        count(*) as mentioning_postings_count,
        sum(posting_themes.mention_count) as mention_count

    from postings_segmented
    inner join posting_themes
        on postings_segmented.posting_id = posting_themes.posting_id
    group by all

),

final as (

    select
        {{ surrogate_key([
            'cells.posting_month', 'cells.role_family', 'cells.industry_bucket', 'cells.source',
            'themes.theme_id',
        ]) }} as theme_share_id,
        cells.posting_month,
        cells.role_family,
        cells.industry_bucket,
        cells.source,
        themes.theme_group,
        themes.theme_id,
        themes.theme_name,
        cells.postings_count,
        coalesce(mentions.mentioning_postings_count, 0) as mentioning_postings_count,
        coalesce(mentions.mentioning_postings_count, 0) / cells.postings_count as mention_share,
        {{ wilson_interval('coalesce(mentions.mentioning_postings_count, 0)',
                           'cells.postings_count', 'lower') }} as mention_share_lower,
        {{ wilson_interval('coalesce(mentions.mentioning_postings_count, 0)',
                           'cells.postings_count', 'upper') }} as mention_share_upper,
        coalesce(mentions.mention_count, 0) as mention_count

    from cells
    cross join themes
    left join mentions
        on
            cells.posting_month = mentions.posting_month
            and cells.role_family = mentions.role_family
            and cells.industry_bucket = mentions.industry_bucket
            and cells.source = mentions.source
            and themes.theme_id = mentions.theme_id

)

select * from final
