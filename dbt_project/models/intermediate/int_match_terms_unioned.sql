-- The dictionary the term matcher (int_posting_version_terms_matched) searches every posting
-- version for: the theme terms, the skill aliases, the context terms of `needs_context` aliases,
-- the phrases inside which an alias does not count (`skill_alias_exclusions`) and the industry
-- text signals, one row per (term_set, term_key), each with its pattern and case policy.
with

theme_terms as (

    select * from {{ ref('theme_terms') }}

),

skill_aliases as (

    select * from {{ ref('skill_aliases') }}

),

skill_alias_exclusions as (

    select * from {{ ref('skill_alias_exclusions') }}

),

industry_text_signals as (

    select * from {{ ref('industry_text_signals') }}

),

theme_term_patterns as (

    select
        'theme_term' as term_set,
        term_id as term_key,
        term as pattern,
        match_policy = 'case_sensitive' as is_case_sensitive

    from theme_terms

),

skill_alias_patterns as (

    select
        'skill_alias' as term_set,
        alias_id as term_key,
        alias as pattern,
        -- A `needs_context` alias is compared as written when it has a capital (Go, R, Excel),
        -- case-insensitively when it is all lower case (fine tuning).
        match_policy = 'case_sensitive'
        or (match_policy = 'needs_context' and alias != lower(alias)) as is_case_sensitive

    from skill_aliases

),

skill_context_terms_split as (

    select unnest(string_split(context_terms, '|')) as context_term
    from skill_aliases
    where match_policy = 'needs_context'

),

skill_context_patterns as (

    -- One pattern per distinct context term, shared by every alias that lists it; its key is
    -- the term itself, which is how fct_posting_skills finds it again.
    select distinct
        'skill_context' as term_set,
        lower(trim(context_term)) as term_key,
        lower(trim(context_term)) as pattern,
        false as is_case_sensitive

    from skill_context_terms_split
    where trim(context_term) != ''

),

skill_exclusion_patterns as (

    -- Compared with the case policy of the alias they contain, so that a phrase is found
    -- exactly where its alias is ("React Native" where "React" is).
    select
        'skill_exclusion' as term_set,
        skill_alias_exclusions.exclusion_id as term_key,
        skill_alias_exclusions.phrase as pattern,
        skill_aliases.match_policy = 'case_sensitive'
        or (
            skill_aliases.match_policy = 'needs_context'
            and skill_aliases.alias != lower(skill_aliases.alias)
        ) as is_case_sensitive

    from skill_alias_exclusions
    inner join skill_aliases
        on skill_alias_exclusions.alias_id = skill_aliases.alias_id

),

industry_signal_patterns as (

    select
        'industry_signal' as term_set,
        signal_id as term_key,
        term as pattern,
        match_policy = 'case_sensitive' as is_case_sensitive

    from industry_text_signals
    -- counted only inside self-descriptions (int_posting_version_self_descriptions_matched)
    where signal_strength is distinct from 'self_only'

),

unioned as (

    select * from theme_term_patterns
    union all
    select * from skill_alias_patterns
    union all
    select * from skill_context_patterns
    union all
    select * from skill_exclusion_patterns
    union all
    select * from industry_signal_patterns

)

select * from unioned
