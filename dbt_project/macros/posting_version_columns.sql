{#-
    The columns every `stg_<kind>__posting_versions` model has, in order: the contract of a
    source kind's staging model, and the column list of `int_posting_versions_unioned`.
-#}
{% macro posting_version_columns() -%}
    {{ return([
        'posting_version_id', 'posting_id', 'source_kind', 'source_key', 'source_posting_id',
        'content_hash', 'first_crawl_run_id', 'first_fetched_at',
        'title', 'company_name', 'location', 'country', 'region', 'city', 'workplace_type',
        'is_remote',
        'department', 'employment_type', 'posted_at', 'source_updated_at', 'expires_at',
        'url', 'apply_url', 'salary_currency', 'salary_min', 'salary_max', 'salary_interval',
        'salary_text',
        'description_format', 'description_text', 'loaded_from_file', 'loaded_at',
    ]) }}
{%- endmacro %}
