{#-
    The job title without decorations: trimmed, whitespace collapsed, and with trailing
    decorations removed, repeatedly: a work mode (" - Remote", "(Remote)", " - US Remote",
    "(Hybrid)", "| Remote (US)"), a pay range (" - $120k-$150k") and gender markers
    ("(m/f/d)", "(f/m/d)", "m/w/d"). What is left must not be empty; else the trimmed title.
    Locations inside the title ("Account Executive - Italy (Madrid based)") are kept: a trailing
    place cannot be told from a team or product name by rules without guessing.
-#}
{% macro title_clean(expression) -%}
    coalesce(nullif(trim(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
        regexp_replace(trim({{ expression }}), '\s+', ' ', 'g'),
        '\s*[(\[]?\b[mwfdx]\s*/\s*[mwfdx](\s*/\s*[mwfdx])?\b[)\]]?', '', 'gi'),
        '\s*([-–—|,:]\s*)?[(\[]?\s*((fully|100%)\s+)?([a-z]{2,6}\s+)?(remote|hybrid)(\s*[-–(,]?\s*[a-z ,/]{2,30}\)?)?\s*[)\]]?\s*$', '', 'i'),
        '\s*([-–—|,:]\s*)?[(\[]?\s*(us\$|ca\$|[$€£])\s?\d[\d,.]*\s?k?(\s*[-–—]\s*(us\$|ca\$|[$€£])?\s?\d[\d,.]*\s?k?)?[^)\]]*[)\]]?\s*$', '', 'i'),
        '\s*[-–—|,:]\s*$', '')), ''), trim({{ expression }}))
{%- endmacro %}
