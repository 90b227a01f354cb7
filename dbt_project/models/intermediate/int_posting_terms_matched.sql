-- Each posting's term matches: those of its latest version (int_sightings_aggregated_to_postings),
-- from the version-grain matches of int_posting_version_terms_matched. A view: the matching is
-- stored once per version, and this join is cheap next to copying every match every night.
{{ config(materialized='view') }}

with

version_terms_matched as (

    select * from {{ ref('int_posting_version_terms_matched') }}

),

postings_lifecycle as (

    select * from {{ ref('int_sightings_aggregated_to_postings') }}

),

final as (

    select
        postings_lifecycle.posting_id,
        version_terms_matched.posting_version_id,
        version_terms_matched.field,
        version_terms_matched.term_set,
        version_terms_matched.term_key,
        version_terms_matched.matched_form,
        version_terms_matched.mention_count

    from version_terms_matched
    inner join postings_lifecycle
        on version_terms_matched.posting_version_id = postings_lifecycle.latest_posting_version_id

)

select * from final
