{#-
    A published amount as a number: thousands separators dropped (`120,000`, `60.000`), a `k`
    suffix multiplied by 1,000 (`60k`, `102.8K`). Null for an m/b/million/billion suffix (company
    sizes and funding, never a salary).
-#}
{% macro salary_amount(number, suffix) -%}
    case
        when lower({{ suffix }}) in ('m', 'b', 'million', 'billion') then null
        else try_cast(
            case
                when regexp_full_match({{ number }}, '\d{1,3}([,.]\d{3})+')
                    then regexp_replace({{ number }}, '[,.]', '', 'g')
                else {{ number }}
            end as double
        ) * case when lower({{ suffix }}) = 'k' then 1000 else 1 end
    end
{%- endmacro %}
