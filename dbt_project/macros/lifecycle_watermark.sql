{#-
    For the incremental lifecycle model (int_sightings_aggregated_to_postings): a SQL literal of
    the load time of the newest crawl run its table already reflects (the latest `loaded_at` of
    the runs that are some posting's last sighting), or none on a full build. Runs loaded at or
    after it are the new ones. A macro, so that unit tests of the incremental branch can give it
    a value (`overrides: macros: lifecycle_watermark`).
-#}
{% macro lifecycle_watermark() -%}
    {%- if not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(timestamp_literal(
        "select max(runs.loaded_at) from " ~ this ~ " as lifecycle "
        ~ "inner join " ~ ref('stg_raw__crawl_runs') ~ " as runs "
        ~ "on runs.crawl_run_id = lifecycle.last_seen_crawl_run_id")) }}
{%- endmacro %}
