{#-
    How many of a salary period make a year: hour 2080 (40 h x 52 weeks), day 260 (5 days x 52
    weeks), week 52, month 12, year 1; null for an unknown period (nothing is annualised).
-#}
{% macro annualisation_factor(period) -%}
    case {{ period }}
        when 'year' then 1
        when 'month' then 12
        when 'week' then 52
        when 'day' then 260
        when 'hour' then 2080
    end
{%- endmacro %}
