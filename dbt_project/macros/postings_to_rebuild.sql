{#-
    The posting-grain facts (fct_posting_themes, fct_posting_skills, fct_posting_industries)
    depend only on each posting's latest version and the seeds, and keep the version they were
    built from in `posting_version_id`. On an incremental run these macros find the postings
    whose latest version is not the one their rows were built from (new postings, changed
    content, postings that gave no row) and delete the rows built from a superseded version, so
    that a posting whose new version gives no row keeps none.

    Only a new last sighting changes a posting's latest version, so once a build has been
    recorded (`built_through_literal`) they look only at postings whose last sighting was loaded
    after it. Without that, every posting without a row (a sixth of them have no skill) would be
    tried again every night.
-#}
{% macro postings_to_rebuild() -%}
    {%- set built_through = built_through_literal() %}
    select lifecycle.posting_id
    from {{ ref('int_sightings_aggregated_to_postings') }} as lifecycle
    anti join (select distinct posting_id, posting_version_id from {{ this }}) as built
        on lifecycle.posting_id = built.posting_id
        and lifecycle.latest_posting_version_id = built.posting_version_id
    {%- if built_through is not none %}
    where lifecycle.last_seen_run_loaded_at > {{ built_through }}
    {%- endif %}
{%- endmacro %}

{% macro delete_superseded_postings() -%}
    {%- if is_incremental() -%}
        {%- set built_through = built_through_literal() %}
        delete from {{ this }} as built
        using {{ ref('int_sightings_aggregated_to_postings') }} as lifecycle
        where built.posting_id = lifecycle.posting_id
            and built.posting_version_id <> lifecycle.latest_posting_version_id
        {%- if built_through is not none %}
            and lifecycle.last_seen_run_loaded_at > {{ built_through }}
        {%- endif %}
    {%- endif -%}
{%- endmacro %}
