{#-
    A company name normalised for joining to `company_industries.company_key` (the contract is the
    `seed_company_key` docs block): lowercased; ASCII punctuation removed, not replaced
    (`Bill.com` -> `billcom`, `G-Research` -> `gresearch`); trailing legal suffixes removed
    repeatedly but never the only word (`Acme, Inc.` -> `acme`, `Inc` -> `inc`); whitespace
    collapsed and trimmed. Null when nothing is left.
-#}
{% macro company_key(expression) -%}
    nullif(trim(regexp_replace(
        regexp_replace(
            trim(regexp_replace(lower({{ expression }}), '[[:punct:]]', '', 'g')),
            '(\s+(inc|incorporated|llc|ltd|limited|gmbh|corp|corporation|co|plc|sa|sas|ag|se|bv|nv|oy|ab|pty|srl|spa|kk|lp|llp|ug|pbc))+$',
            ''
        ),
        '\s+', ' ', 'g'
    )), '')
{%- endmacro %}
