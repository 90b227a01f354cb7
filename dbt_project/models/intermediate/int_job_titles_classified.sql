-- Every distinct job title given a role family and a seniority by the title rules: the rules are
-- tried by ascending priority and the first whose pattern matches decides. Role-family rules read
-- the first role the title lists (`role_title`, macro first_listed_role: "Software Engineers,
-- Data Scientists" is a software role); seniority rules read the whole lowercased title.
-- No role-family rule matching gives `other`; no seniority rule matching gives null.
-- Incremental: a title's class depends only on the title and the rule seeds, so a nightly build
-- classifies only the titles never seen before (the regular expressions are the costly part).
-- Run `postings transform --full-refresh` after changing the rules.
{{ config(
    materialized='incremental', unique_key='title', incremental_strategy='append',
    on_schema_change='append_new_columns'
) }}

with

posting_versions as (

    select * from {{ ref('stg_raw__posting_versions') }}

),

role_family_rules as (

    select * from {{ ref('role_family_rules') }}

),

seniority_rules as (

    select * from {{ ref('seniority_rules') }}

),

distinct_titles as (

    -- Each distinct title once: the regular expressions are the costly part (a pattern that
    -- comes from a table is compiled for every row it is tried on, about 1 ms per title for
    -- all rules together).
    select distinct title
    from posting_versions
    where
        title is not null
        {%- if is_incremental() %}
        -- Incremental: only the titles never classified before.
            and title not in (select classified.title from {{ this }} as classified)
        {%- endif %}

),

titles as (

    select
        title,
        {{ first_listed_role('title') }} as role_title
    from distinct_titles

),

role_family_first_matches as (

    select
        titles.title,
        role_family_rules.role_family,
        role_family_rules.rule_id

    from titles
    inner join role_family_rules
        on regexp_matches(titles.role_title, role_family_rules.title_pattern)
    qualify row_number() over (
        partition by titles.title
        order by role_family_rules.priority
    ) = 1

),

seniority_first_matches as (

    select
        titles.title,
        seniority_rules.seniority,
        seniority_rules.rule_id

    from titles
    inner join seniority_rules
        on regexp_matches(lower(titles.title), seniority_rules.title_pattern)
    qualify row_number() over (
        partition by titles.title
        order by seniority_rules.priority
    ) = 1

),

classified as (

    select
        titles.title,
        titles.role_title,
        role_family_first_matches.rule_id as role_family_rule_id,
        seniority_first_matches.seniority,
        seniority_first_matches.rule_id as seniority_rule_id,
        coalesce(role_family_first_matches.role_family, 'other') as role_family

    from titles
    left join role_family_first_matches
        on titles.title = role_family_first_matches.title
    left join seniority_first_matches
        on titles.title = seniority_first_matches.title

)

select * from classified
