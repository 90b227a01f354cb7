{#-
    Trimmed text, or null when nothing but whitespace is left. Control characters (C0 except
    tab, line feed and carriage return; DEL; C1) and the invisible direction marks and overrides
    (U+200E/U+200F, U+061C, U+202A-U+202E, U+2066-U+2069) are removed first: a NUL or a
    right-to-left override in a title or a company name is never what the employer meant to
    show, and an override makes the text read backwards in every report. The raw payload keeps
    them as sent.
-#}
{% macro clean_text(expression) -%}
    nullif(trim(regexp_replace(
        cast({{ expression }} as varchar),
        '[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\x{200e}\x{200f}\x{061c}\x{202a}-\x{202e}\x{2066}-\x{2069}]',
        '',
        'g'
    )), '')
{%- endmacro %}
