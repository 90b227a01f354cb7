-- Question (ANALYSIS.md, "Term frequency: the study's own measure"): redraw the study's table
-- for machine learning engineers: for every category, its five most frequent terms and the share
-- of ML-engineer postings that mention each, over all months in the warehouse.
with

terms as (

    select
        theme_group,
        theme_id,
        term,
        sum(mentioning_postings_count) as mentioning_postings_count,
        sum(postings_count) as postings_count

    from marts.agg_term_frequency
    where role_family = 'ml_engineer'
    group by theme_group, theme_id, term

),

ranked as (

    select
        *,
        mentioning_postings_count / postings_count as mention_share,
        row_number() over (
            partition by theme_id
            order by mentioning_postings_count desc, term
        ) as term_rank

    from terms
    where mentioning_postings_count > 0

)

select
    theme_group,
    theme_id,
    term_rank,
    term,
    mentioning_postings_count,
    postings_count,
    round(mention_share, 3) as mention_share

from ranked
where term_rank <= 5
order by
    case theme_group
        when 'theme' then 1 when 'activity' then 2 when 'way_of_working' then 3 else 4
    end,
    theme_id,
    term_rank
