-- The industry of each posting's employer, with how it was decided. The first method that gives
-- an answer wins:
--   1. source_field   the source publishes an industry label (stg_raw__posting_industry_labels)
--                     that is a LinkedIn V2 label, or an alias of one (industry_label_aliases);
--   2. known_company  the company key is in company_industries;
--   3. text_evidence  industry text signals in the title or description: an industry needs at
--                     least one strong signal (weak ones often describe customers); the most
--                     strong mentions win, then the most mentions of any strength, then the
--                     industry id (so the choice is stable);
--   4. unknown        nothing said.
--
-- Incremental: a posting's row depends only on its latest version and the seeds; a nightly build
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

postings as (

    select * from {{ ref('dim_postings') }}

),

published_labels as (

    select * from {{ ref('stg_raw__posting_industry_labels') }}

),

linkedin_industry_map as (

    select * from {{ ref('linkedin_industry_map') }}

),

industry_label_aliases as (

    select * from {{ ref('industry_label_aliases') }}

),

company_industries as (

    select * from {{ ref('company_industries') }}

),

term_matches as (

    select * from {{ ref('int_posting_terms_matched') }}
    {%- if is_incremental() %}
    where posting_id in ({{ postings_to_rebuild() }})
    {%- endif %}

),

industry_text_signals as (

    select * from {{ ref('industry_text_signals') }}

),

industries as (

    select * from {{ ref('industries') }}

),

posting_companies as (

    select
        posting_id,
        latest_posting_version_id,
        {{ company_key('company_name') }} as company_key

    from postings
    {%- if is_incremental() %}
    where posting_id in ({{ postings_to_rebuild() }})
    {%- endif %}

),

labels_mapped as (

    -- A label is a V2 label itself, or an alias of one; both compared case-insensitively.
    select
        linkedin_industry_map.industry_id,
        lower(linkedin_industry_map.linkedin_industry_label) as label_key

    from linkedin_industry_map

    union all

    select
        linkedin_industry_map.industry_id,
        lower(industry_label_aliases.industry_label) as label_key

    from industry_label_aliases
    inner join linkedin_industry_map
        on industry_label_aliases.linkedin_industry_id = linkedin_industry_map.linkedin_industry_id

),

source_field_industries as (

    select
        posting_companies.posting_id,
        labels_mapped.industry_id,
        published_labels.industry_label as evidence

    from posting_companies
    inner join published_labels
        on posting_companies.latest_posting_version_id = published_labels.posting_version_id
    inner join labels_mapped
        on lower(published_labels.industry_label) = labels_mapped.label_key
    qualify row_number() over (
        partition by posting_companies.posting_id
        order by labels_mapped.industry_id
    ) = 1

),

known_company_industries as (

    select
        posting_companies.posting_id,
        company_industries.industry_id,
        company_industries.company_name || ': ' || company_industries.evidence as evidence

    from posting_companies
    inner join company_industries
        on posting_companies.company_key = company_industries.company_key

),

signal_matches as (

    select
        term_matches.posting_id,
        industry_text_signals.industry_id,
        industry_text_signals.term,
        industry_text_signals.signal_strength,
        -- the larger of the title's and the description's count (titles are often repeated)
        max(term_matches.mention_count) as mention_count

    from term_matches
    inner join industry_text_signals
        on term_matches.term_key = industry_text_signals.signal_id
    where term_matches.term_set = 'industry_signal'
    group by all

),

signal_scores as (

    select
        posting_id,
        industry_id,
        coalesce(sum(mention_count) filter (where signal_strength = 'strong'), 0)
            as strong_mention_count,
        sum(mention_count) as mention_count,
        list_sort(list_distinct(list(term))) as evidence_terms

    from signal_matches
    group by posting_id, industry_id
    having count(*) filter (where signal_strength = 'strong') > 0

),

text_evidence_industries as (

    select
        posting_id,
        industry_id,
        array_to_string(evidence_terms, ', ') as evidence

    from signal_scores
    qualify row_number() over (
        partition by posting_id
        order by strong_mention_count desc, mention_count desc, industry_id
    ) = 1

),

decided as (

    select
        posting_companies.posting_id,
        posting_companies.latest_posting_version_id as posting_version_id,
        posting_companies.company_key,
        case
            when source_field_industries.posting_id is not null then 'source_field'
            when known_company_industries.posting_id is not null then 'known_company'
            when text_evidence_industries.posting_id is not null then 'text_evidence'
            else 'unknown'
        end as method,
        coalesce(
            source_field_industries.industry_id,
            known_company_industries.industry_id,
            text_evidence_industries.industry_id
        ) as industry_id,
        coalesce(
            source_field_industries.evidence,
            known_company_industries.evidence,
            text_evidence_industries.evidence
        ) as evidence

    from posting_companies
    left join source_field_industries
        on posting_companies.posting_id = source_field_industries.posting_id
    left join known_company_industries
        on posting_companies.posting_id = known_company_industries.posting_id
    left join text_evidence_industries
        on posting_companies.posting_id = text_evidence_industries.posting_id

),

final as (

    select
        decided.posting_id,
        decided.posting_version_id,
        decided.company_key,
        decided.industry_id,
        industries.industry_name,
        coalesce(industries.industry_bucket, 'unknown') as industry_bucket,
        decided.method,
        decided.evidence

    from decided
    left join industries
        on decided.industry_id = industries.industry_id

)

select * from final
