{#-
    The ISO 4217 code of a published currency marker: an ISO code as it is (`usd` -> `USD`),
    `€` EUR, `£` GBP, `US$` USD, `CA$`/`C$` CAD, `A$`/`AU$` AUD. A bare `$` gives `$`, for the
    caller to decide (USD only where the posting is in the United States); anything else null.
-#}
{% macro currency_code(marker) -%}
    case
        when regexp_full_match(upper(trim({{ marker }})), '[A-Z]{3}') then upper(trim({{ marker }}))
        when trim({{ marker }}) = '€' then 'EUR'
        when trim({{ marker }}) = '£' then 'GBP'
        when upper(trim({{ marker }})) = 'US$' then 'USD'
        when upper(trim({{ marker }})) in ('CA$', 'C$') then 'CAD'
        when upper(trim({{ marker }})) in ('A$', 'AU$') then 'AUD'
        when trim({{ marker }}) = '$' then '$'
    end
{%- endmacro %}
