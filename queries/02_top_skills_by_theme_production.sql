-- Question (ANALYSIS.md, "What that means for the models": "which skills go with the production
-- theme"): which skills do the postings that ask for production (putting models into production,
-- deployment, serving, MLOps) mention, and how much more often than postings in general?
-- lift = share among production postings / share among all postings (> 1: goes with production).
with

postings as (

    select count(*) as postings_count from marts.dim_postings

),

production_postings as (

    select posting_id
    from marts.fct_posting_themes
    where theme_id = 'production'

),

skill_postings as (

    select
        posting_skills.skill_id,
        posting_skills.skill_name,
        posting_skills.skill_category,
        count(*) as mentioning_postings_count,
        count(production_postings.posting_id) as production_mentioning_postings_count

    from marts.fct_posting_skills as posting_skills
    left join production_postings
        on posting_skills.posting_id = production_postings.posting_id
    group by all

)

select
    skill_postings.skill_name,
    skill_postings.skill_category,
    skill_postings.production_mentioning_postings_count,
    (select count(*) from production_postings) as production_postings_count,
    round(
        skill_postings.production_mentioning_postings_count
        / (select count(*) from production_postings),
        3
    ) as share_of_production_postings,
    round(skill_postings.mentioning_postings_count / postings.postings_count, 3)
        as share_of_all_postings,
    round(
        (skill_postings.production_mentioning_postings_count
            / (select count(*) from production_postings))
        / (skill_postings.mentioning_postings_count / postings.postings_count),
        2
    ) as lift

from skill_postings
cross join postings
where skill_postings.production_mentioning_postings_count > 0
order by
    skill_postings.production_mentioning_postings_count desc,
    lift desc,
    skill_postings.skill_name
limit 25
