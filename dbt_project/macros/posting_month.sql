{#-
    The month a posting counts in for the monthly aggregates, as a date (the first of the month,
    UTC): the month it was published, else the month a crawl first saw it.
-#}
{% macro posting_month(posted_at, first_seen_at) -%}
    cast(date_trunc('month', coalesce({{ posted_at }}, {{ first_seen_at }})) as date)
{%- endmacro %}
