{#-
    The pay statements in a text, as a list of structs (first first), each with the parts of one
    statement: `currency_before`, `amount_from`, `suffix_from`, `currency_middle`, `amount_to`,
    `suffix_to`, `currency_after`, `plus` and `period`. Understood:
      - ranges: "$120,000 - $150,000", "€60k–80k", "USD 100k-130k", "$265,000 — $365,000 USD",
        "$18 - $22/hr", "$90 - $150 /hour", "$60,000 - $97,000/year";
      - open ranges "£50,000+";
      - single amounts ("$14/hr") only when `allow_single` (a field that holds nothing but pay).
    A statement must name a currency (a symbol or an ISO code); "Negotiable", "10-20 hrs/week" or
    "2018 - 2020" are not pay. Amounts with an m/b/million/billion suffix are kept here and
    rejected by the caller (they are company sizes, not salaries).
-#}
{% macro salary_text_parts(expression, allow_single=false) -%}
    {%- set currency = "(us\\$|ca\\$|c\\$|au\\$|a\\$|\\$|€|£|\\b(?:usd|eur|gbp|cad|aud|chf)\\b)" -%}
    {%- set number = "(\\d{1,3}(?:[,.]\\d{3})+|\\d+(?:\\.\\d+)?)" -%}
    {%- set suffix = "(k|m|b|million|billion)?\\b" -%}
    {%- set tail = "\\s*(usd|eur|gbp|cad|aud|chf)?\\b\\s*(\\+)?\\s*(?:(?:/|per|an|a)\\s*)?((?:hour|hr|year|yr|annum|annual|month|mo|week|wk|day)\\b)?" -%}
    {%- set range_pattern = "(?i)" ~ currency ~ "?\\s?" ~ number ~ "\\s?" ~ suffix ~ "\\s*(?:-|–|—|to)\\s*" ~ currency ~ "?\\s?" ~ number ~ "\\s?" ~ suffix ~ tail -%}
    {%- set single_pattern = "(?i)" ~ currency ~ "\\s?" ~ number ~ "\\s?" ~ suffix ~ "()()()" ~ tail -%}
    {%- set names = "['currency_before', 'amount_from', 'suffix_from', 'currency_middle', 'amount_to', 'suffix_to', 'currency_after', 'plus', 'period']" -%}
    list_filter(
        list_concat(
            list_transform(
                regexp_extract_all({{ expression }}, '{{ range_pattern }}'),
                lambda statement: regexp_extract(statement, '{{ range_pattern }}', {{ names }})
            ),
            list_transform(
                regexp_extract_all({{ expression }}, '{{ single_pattern }}'),
                lambda statement: regexp_extract(statement, '{{ single_pattern }}', {{ names }})
            )
        ),
        lambda parts: (
            parts.currency_before || parts.currency_middle || parts.currency_after
        ) <> ''
        and (
            parts.amount_to <> ''
            or parts.plus = '+'
            {%- if allow_single %}
            or true
            {%- endif %}
        )
    )
{%- endmacro %}
