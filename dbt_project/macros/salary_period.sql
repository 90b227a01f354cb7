{#-
    The period a salary is for, as `year`, `month`, `week`, `day` or `hour`, from the published
    interval (`per-year-salary`, `1 YEAR`, `YEAR`, `yearly`, `annual`, `PA`, `Per Year`,
    `hourly`, `PH`, `/hr`, `monthly`...). Anything else (bi-weekly, `WC` without compensation)
    is null: never converted by a guess.
-#}
{% macro salary_period(expression) -%}
    case
        when regexp_matches(lower(trim({{ expression }})), '^(pa|py|per annum)$|year|yr\b|annual|annum')
            then 'year'
        when regexp_matches(lower(trim({{ expression }})), '^(pm)$|month|\bmo\b')
            then 'month'
        when regexp_matches(lower(trim({{ expression }})), '^(pw)$|^week|weekly|per week|\bwk\b')
            then 'week'
        when regexp_matches(lower(trim({{ expression }})), '^(pd)$|^day|daily|per day')
            then 'day'
        when regexp_matches(lower(trim({{ expression }})), '^(ph)$|hour|\bhr\b|^h$')
            then 'hour'
    end
{%- endmacro %}
