-- The study's own measure: the share of postings that mention each term of its table (the theme
-- terms), per role family and month. Every (role family, month, term) is present, with 0 when no
-- posting mentions the term, so the study's table can be redrawn for any role and period as
-- sum(mentioning_postings_count) / sum(postings_count).
with

postings as (

    select * from {{ ref('dim_postings') }}

),

term_matches as (

    select * from {{ ref('int_posting_terms_matched') }}

),

theme_terms as (

    select * from {{ ref('theme_terms') }}

),

postings_segmented as (

    select
        posting_id,
        {{ posting_month('posted_at', 'first_seen_at') }} as posting_month,
        role_family

    from postings

),

cells as (

    select
        posting_month,
        role_family,
        count(*) as postings_count

    from postings_segmented
    group by all

),

posting_terms as (

    select
        posting_id,
        term_key as term_id,
        -- the larger of the title's and the description's count (titles are often repeated)
        max(mention_count) as mention_count

    from term_matches
    where term_set = 'theme_term'
    group by posting_id, term_key

),

mentions as (

    select
        postings_segmented.posting_month,
        postings_segmented.role_family,
        posting_terms.term_id,
        count(*) as mentioning_postings_count,
        sum(posting_terms.mention_count) as mention_count

    from postings_segmented
    inner join posting_terms
        on postings_segmented.posting_id = posting_terms.posting_id
    group by all

),

final as (

    select
        {{ surrogate_key(['cells.posting_month', 'cells.role_family', 'theme_terms.term_id']) }}
            as term_frequency_id,
        cells.posting_month,
        cells.role_family,
        theme_terms.theme_group,
        theme_terms.theme_id,
        theme_terms.term_id,
        theme_terms.term,
        cells.postings_count,
        coalesce(mentions.mentioning_postings_count, 0) as mentioning_postings_count,
        coalesce(mentions.mentioning_postings_count, 0) / cells.postings_count as mention_share,
        {{ wilson_interval('coalesce(mentions.mentioning_postings_count, 0)',
                           'cells.postings_count', 'lower') }} as mention_share_lower,
        {{ wilson_interval('coalesce(mentions.mentioning_postings_count, 0)',
                           'cells.postings_count', 'upper') }} as mention_share_upper,
        coalesce(mentions.mention_count, 0) as mention_count

    from cells
    cross join theme_terms
    left join mentions
        on
            cells.posting_month = mentions.posting_month
            and cells.role_family = mentions.role_family
            and theme_terms.term_id = mentions.term_id

)

select * from final
