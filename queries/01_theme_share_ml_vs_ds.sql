-- Question (ANALYSIS.md, "Themes: what the postings ask for", and the study's contrast of ML
-- engineers with data scientists): how often do postings for machine learning engineers ask for
-- each theme, activity, way of working and organisation placement, and how does that differ from
-- data scientists? Share = postings that mention the category / all postings of the role.
with

shares as (

    select
        theme_group,
        theme_id,
        theme_name,
        sum(mentioning_postings_count) filter (where role_family = 'ml_engineer')
            as ml_engineer_mentioning,
        sum(postings_count) filter (where role_family = 'ml_engineer') as ml_engineer_postings,
        sum(mentioning_postings_count) filter (where role_family = 'data_scientist')
            as data_scientist_mentioning,
        sum(postings_count) filter (where role_family = 'data_scientist')
            as data_scientist_postings

    from marts.agg_theme_share_monthly
    where role_family in ('ml_engineer', 'data_scientist')
    group by theme_group, theme_id, theme_name

)

select
    theme_group,
    theme_id,
    theme_name,
    ml_engineer_postings,
    round(ml_engineer_mentioning / ml_engineer_postings, 3) as ml_engineer_share,
    data_scientist_postings,
    round(data_scientist_mentioning / data_scientist_postings, 3) as data_scientist_share,
    round(
        ml_engineer_mentioning / ml_engineer_postings
        - data_scientist_mentioning / data_scientist_postings,
        3
    ) as share_difference

from shares
order by
    case theme_group
        when 'theme' then 1 when 'activity' then 2 when 'way_of_working' then 3 else 4
    end,
    ml_engineer_share desc,
    theme_id
