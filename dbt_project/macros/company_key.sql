{#-
    A company name normalised for joining to `company_industries.company_key` and for matching
    one employer across sources (the contract is the `seed_company_key` docs block): lowercased;
    ASCII punctuation removed, not replaced (`Bill.com` -> `billcom`, `G-Research` ->
    `gresearch`); a Y Combinator batch dropped (`SpruceID (YC W21)`, `Lago (YCS21)`); trailing
    legal suffixes, board words (`careers`, `jobs`, `hiring`), `holding(s)` and country names of a
    subsidiary (`Clark Germany GmbH`, `Clark Switzerland AG`) removed repeatedly but never the only
    word (`Acme, Inc.` -> `acme`, `Inc` -> `inc`); whitespace collapsed and trimmed. Null when
    nothing is left.
-#}
{% macro company_key(expression) -%}
    nullif(trim(regexp_replace(
        regexp_replace(
            regexp_replace(
                trim(regexp_replace(lower({{ expression }}), '[[:punct:]]', '', 'g')),
                '\s+yc\s*[wsfx]?\s*\d{2}\b', '', 'g'
            ),
            '(\s+(inc|incorporated|llc|ltd|limited|gmbh|corp|corporation|co|plc|sa|sas|ag|se|bv|nv|oy|ab|pty|srl|spa|kk|lp|llp|ug|pbc|careers|jobs|hiring|holding|holdings|germany|deutschland|switzerland|schweiz|austria|france|netherlands|spain|italy|ireland|uk|usa|us|india|canada|australia|japan))+$',
            ''
        ),
        '\s+', ' ', 'g'
    )), '')
{%- endmacro %}
