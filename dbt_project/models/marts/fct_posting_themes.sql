-- What the postings ask for, in the study's categories: one row per posting and category
-- (theme, activity, way of working, organisation) that at least one of its terms puts the posting
-- in. Mentions of a term are the larger of its counts in the title and in the description
-- (sources often repeat the title as the text's first line); a category's mention_count adds up
-- its terms.
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

theme_terms as (

    select * from {{ ref('theme_terms') }}

),

themes as (

    select * from {{ ref('themes') }}

),

theme_term_matches as (

    select
        posting_id,
        term_key as term_id,
        any_value(posting_version_id) as posting_version_id,
        max(mention_count) as mention_count,
        bool_or(field = 'title') as is_in_title

    from term_matches
    where term_set = 'theme_term'
    group by posting_id, term_key

),

theme_term_matches_categorised as (

    select
        theme_term_matches.posting_id,
        theme_term_matches.posting_version_id,
        theme_term_matches.mention_count,
        theme_term_matches.is_in_title,
        theme_terms.term,
        themes.theme_id,
        themes.theme_group,
        themes.theme_name

    from theme_term_matches
    inner join theme_terms
        on theme_term_matches.term_id = theme_terms.term_id
    inner join themes
        on theme_terms.theme_id = themes.theme_id

),

aggregated as (

    select
        {{ surrogate_key(['posting_id', 'theme_id']) }} as posting_theme_id,
        posting_id,
        any_value(posting_version_id) as posting_version_id,
        theme_group,
        theme_id,
        any_value(theme_name) as theme_name,
        sum(mention_count) as mention_count,
        bool_or(is_in_title) as is_in_title,
        list_sort(list_distinct(list(term))) as matched_terms

    from theme_term_matches_categorised
    group by posting_id, theme_group, theme_id

)

select * from aggregated
