{#-
    A place name as the key of the `location_aliases` seed: lowercased, accents removed
    (`Zürich` -> `zurich`), full stops dropped (`U.S.` -> `us`, `St. Louis` -> `st louis`),
    whitespace collapsed, and leading/trailing dashes, colons and spaces trimmed.
-#}
{% macro location_key(expression) -%}
    nullif(trim(regexp_replace(
        regexp_replace(strip_accents(lower({{ expression }})), '[.]', '', 'g'),
        '\s+', ' ', 'g'
    ), ' -–—:!*'), '')
{%- endmacro %}
