{#-
    The posting-grain facts (fct_posting_themes, fct_posting_skills, fct_posting_industries)
    depend only on each posting's latest version and the seeds, and keep the version they were
    built from in `posting_version_id`. On an incremental run these macros find the postings
    whose latest version is not the one their rows were built from (new postings, changed
    content, and postings that gave no row last time, which are cheap to try again) and delete
    the rows built from a superseded version, so that a posting whose new version gives no row
    keeps none.
-#}
{% macro postings_to_rebuild() -%}
    select lifecycle.posting_id
    from {{ ref('int_sightings_aggregated_to_postings') }} as lifecycle
    anti join (select distinct posting_id, posting_version_id from {{ this }}) as built
        on lifecycle.posting_id = built.posting_id
        and lifecycle.latest_posting_version_id = built.posting_version_id
{%- endmacro %}

{% macro delete_superseded_postings() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} as built
        using {{ ref('int_sightings_aggregated_to_postings') }} as lifecycle
        where built.posting_id = lifecycle.posting_id
            and built.posting_version_id <> lifecycle.latest_posting_version_id
    {%- endif -%}
{%- endmacro %}
