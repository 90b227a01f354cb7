-- Skill demand: one row per posting and skill it mentions. A match of the term matcher counts
-- when (1) its alias needs no context, or a context term of that alias occurs in the same
-- posting (title or description), (2) it is not the employer's own name (a Snowflake posting
-- saying "Snowflake"), and (3) some of its mentions are outside the phrases that contain it
-- without naming it (`skill_alias_exclusions`: "React" in "React Native", "dbt" in "dbt Labs")
-- and outside the employer's name ("AI" in "Espresso AI"): in each field, the alias's mentions
-- minus those of its exclusion phrases and, when the alias is a word of the company key, minus
-- the company name's occurrences. Mentions of an alias are the larger of its counts in the title
-- and in the description (sources often repeat the title as the text's first line); a skill's
-- mention_count adds up its aliases.
--
-- Incremental: a posting's rows depend only on its latest version and the seeds; a nightly build
-- rebuilds only the postings whose latest version changed (macros/postings_to_rebuild.sql).
-- Its tests, likewise, check only those postings' rows after a recorded build (meta.tests_scope,
-- macros/get_where_subquery.sql).
-- depends_on: {{ ref('int_sightings_aggregated_to_postings') }}
{{ config(
    materialized='incremental',
    unique_key='posting_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    pre_hook="{{ delete_superseded_postings() }}",
    meta={'tests_scope': 'postings_seen_since_build'},
) }}

with

term_matches as (

    select * from {{ ref('int_posting_terms_matched') }}
    {%- if is_incremental() %}
        where posting_id in ({{ postings_to_rebuild() }})
    {%- endif %}

),

skill_aliases as (

    select * from {{ ref('skill_aliases') }}

),

skill_alias_exclusions as (

    select * from {{ ref('skill_alias_exclusions') }}

),

skills as (

    select * from {{ ref('skills') }}

),

postings as (

    select * from {{ ref('dim_postings') }}

),

employers as (

    select
        posting_id,
        company_name,
        title,
        description_text,
        {{ company_key('company_name') }} as company_key

    from postings

),

alias_field_matches as (

    select
        posting_id,
        term_key as alias_id,
        field,
        any_value(posting_version_id) as posting_version_id,
        sum(mention_count) as mention_count

    from term_matches
    where term_set = 'skill_alias'
    group by posting_id, term_key, field

),

excluded_field_mentions as (

    -- Mentions of an alias inside one of its exclusion phrases, per field.
    select
        term_matches.posting_id,
        skill_alias_exclusions.alias_id,
        term_matches.field,
        sum(term_matches.mention_count) as excluded_count

    from term_matches
    inner join skill_alias_exclusions
        on term_matches.term_key = skill_alias_exclusions.exclusion_id
    where term_matches.term_set = 'skill_exclusion'
    group by term_matches.posting_id, skill_alias_exclusions.alias_id, term_matches.field

),

alias_field_texts as (

    select
        alias_field_matches.*,
        employers.company_name,
        -- The alias is one of the company key's words ("AI" of "Espresso AI").
        coalesce(list_contains(
            string_split(employers.company_key, ' '), {{ company_key('skill_aliases.alias') }}
        ), false) as is_word_of_company_name,
        lower(coalesce(
            case
                when alias_field_matches.field = 'title' then employers.title
                else employers.description_text
            end,
            ''
        )) as field_text

    from alias_field_matches
    inner join skill_aliases
        on alias_field_matches.alias_id = skill_aliases.alias_id
    left join employers
        on alias_field_matches.posting_id = employers.posting_id

),

alias_field_mentions as (

    -- What is left of each field's mentions once those inside an exclusion phrase, and those
    -- inside the employer's name (the name's occurrences in the field, case-insensitively, when
    -- the alias is one of its words), are taken away.
    select
        alias_field_texts.posting_id,
        alias_field_texts.alias_id,
        alias_field_texts.field,
        alias_field_texts.posting_version_id,
        alias_field_texts.mention_count
        - coalesce(excluded_field_mentions.excluded_count, 0)
        - case
            when alias_field_texts.is_word_of_company_name
                then (
                    length(alias_field_texts.field_text)
                    - length(replace(
                        alias_field_texts.field_text, lower(alias_field_texts.company_name), ''
                    ))
                ) // length(alias_field_texts.company_name)
            else 0
        end as mention_count

    from alias_field_texts
    left join excluded_field_mentions
        on
            alias_field_texts.posting_id = excluded_field_mentions.posting_id
            and alias_field_texts.alias_id = excluded_field_mentions.alias_id
            and alias_field_texts.field = excluded_field_mentions.field

),

alias_matches as (

    select
        posting_id,
        alias_id,
        any_value(posting_version_id) as posting_version_id,
        max(mention_count) as mention_count,
        bool_or(field = 'title') as is_in_title

    from alias_field_mentions
    where mention_count > 0
    group by posting_id, alias_id

),

context_matches as (

    select distinct
        posting_id,
        term_key as context_term

    from term_matches
    where term_set = 'skill_context'

),

alias_context_terms_split as (

    select
        alias_id,
        unnest(string_split(context_terms, '|')) as context_term

    from skill_aliases
    where match_policy = 'needs_context'

),

alias_context_terms as (

    -- Written as int_match_terms_unioned keys them: lowercased and trimmed.
    select
        alias_id,
        lower(trim(context_term)) as context_term

    from alias_context_terms_split

),

aliases_in_context as (

    select distinct
        context_matches.posting_id,
        alias_context_terms.alias_id

    from context_matches
    inner join alias_context_terms
        on context_matches.context_term = alias_context_terms.context_term

),

alias_matches_counted as (

    select
        alias_matches.posting_id,
        alias_matches.posting_version_id,
        alias_matches.alias_id,
        alias_matches.mention_count,
        alias_matches.is_in_title,
        skill_aliases.skill_id,
        skill_aliases.alias,
        skills.skill_name,
        skills.skill_category,
        {{ company_key('skill_aliases.alias') }} as alias_key,
        {{ company_key('skills.skill_name') }} as skill_name_key

    from alias_matches
    inner join skill_aliases
        on alias_matches.alias_id = skill_aliases.alias_id
    inner join skills
        on skill_aliases.skill_id = skills.skill_id
    left join aliases_in_context
        on
            alias_matches.posting_id = aliases_in_context.posting_id
            and alias_matches.alias_id = aliases_in_context.alias_id
    where
        skill_aliases.match_policy != 'needs_context'
        or aliases_in_context.alias_id is not null

),

alias_matches_not_employer_name as (

    -- The employer's own name is not a skill it asks for: drop an alias whose company-style key,
    -- or its skill's name's, is the posting's company key or its first word(s) ("Snowflake" and
    -- "Snowflake Computing" drop "Snowflake"; "Databricks" drops "Delta Lake" too).
    select alias_matches_counted.*

    from alias_matches_counted
    left join employers
        on alias_matches_counted.posting_id = employers.posting_id
    where not coalesce(
        employers.company_key = alias_matches_counted.alias_key
        or employers.company_key = alias_matches_counted.skill_name_key
        or starts_with(employers.company_key, alias_matches_counted.alias_key || ' ')
        or starts_with(employers.company_key, alias_matches_counted.skill_name_key || ' '),
        false
    )

),

aggregated as (

    select
        {{ surrogate_key(['posting_id', 'skill_id']) }} as posting_skill_id,
        posting_id,
        any_value(posting_version_id) as posting_version_id,
        skill_id,
        any_value(skill_name) as skill_name,
        any_value(skill_category) as skill_category,
        sum(mention_count) as mention_count,
        bool_or(is_in_title) as is_in_title,
        list_sort(list_distinct(list(alias))) as matched_terms

    from alias_matches_not_employer_name
    group by posting_id, skill_id

)

select * from aggregated
