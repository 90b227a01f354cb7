-- Each posting's self-description signals: those of its latest version
-- (int_sightings_aggregated_to_postings), from the version-grain matches of
-- int_posting_version_self_descriptions_matched. A view, as int_posting_terms_matched: the
-- matching is stored once per version, and this join is cheap next to matching every posting's
-- description again every night.
{{ config(materialized='view') }}

with

version_self_descriptions_matched as (

    select * from {{ ref('int_posting_version_self_descriptions_matched') }}

),

postings_lifecycle as (

    select * from {{ ref('int_sightings_aggregated_to_postings') }}

),

final as (

    select
        postings_lifecycle.posting_id,
        version_self_descriptions_matched.posting_version_id,
        version_self_descriptions_matched.signal_id,
        version_self_descriptions_matched.clause_count

    from version_self_descriptions_matched
    inner join postings_lifecycle
        on
            version_self_descriptions_matched.posting_version_id
            = postings_lifecycle.latest_posting_version_id

)

select * from final
