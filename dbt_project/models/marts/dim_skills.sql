with

skills as (

    select * from {{ ref('skills') }}

),

skill_aliases as (

    select * from {{ ref('skill_aliases') }}

),

aliases_per_skill as (

    select
        skill_id,
        count(*) as alias_count,
        list_sort(list_distinct(list(alias))) as aliases,
        bool_or(match_policy = 'needs_context') as has_context_rule

    from skill_aliases
    group by skill_id

),

final as (

    select
        skills.skill_id,
        skills.skill_name,
        skills.skill_category,
        skills.origin,
        skills.origin_label,
        coalesce(aliases_per_skill.alias_count, 0) as alias_count,
        coalesce(aliases_per_skill.aliases, []) as aliases,
        coalesce(aliases_per_skill.has_context_rule, false) as has_context_rule

    from skills
    left join aliases_per_skill
        on skills.skill_id = aliases_per_skill.skill_id

)

select * from final
