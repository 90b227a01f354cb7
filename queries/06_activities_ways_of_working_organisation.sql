-- Question (ANALYSIS.md, "What ML engineers do", "How they work", "Where they sit"): which
-- activities, ways of working and organisation placements do ML-engineer postings mention, and
-- how does that compare with every other posting in the warehouse?
with

shares as (

    select
        theme_group,
        theme_name,
        sum(mentioning_postings_count) filter (where role_family = 'ml_engineer')
            as ml_engineer_mentioning,
        sum(postings_count) filter (where role_family = 'ml_engineer') as ml_engineer_postings,
        sum(mentioning_postings_count) filter (where role_family != 'ml_engineer')
            as other_mentioning,
        sum(postings_count) filter (where role_family != 'ml_engineer') as other_postings

    from marts.agg_theme_share_monthly
    where theme_group in ('activity', 'way_of_working', 'organisation')
    group by theme_group, theme_name

)

select
    theme_group,
    theme_name,
    ml_engineer_mentioning,
    ml_engineer_postings,
    round(ml_engineer_mentioning / ml_engineer_postings, 3) as ml_engineer_share,
    round(other_mentioning / other_postings, 3) as other_postings_share

from shares
order by theme_group, ml_engineer_share desc, theme_name
