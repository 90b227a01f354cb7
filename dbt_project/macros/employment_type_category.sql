{#-
    The employment type as one of `full_time`, `part_time`, `contract`, `internship`,
    `temporary`, or `unknown`, from the published value (`FullTime`, `FULL_TIME`, `Full-time`,
    `fulltime_permanent`, `permanent, full-time`, `Part-time`, `Contractor`, `freelance`,
    `Contract-to-hire`, `Internship`, `Werkstudent`, `Temporary`, `Vollzeit`...). The value is
    lowercased and `-`/`_` become spaces; when it names several types ("Full-time or
    Contract"), the one it names first wins. Values that name no type (`Regular`, `Permanent`,
    "professional / experienced") are `unknown`: permanence says nothing about hours.
-#}
{% macro employment_type_category(expression) -%}
    {%- set text = "regexp_replace(lower(coalesce(" ~ expression ~ ", '')), '[-_]', ' ', 'g')" -%}
    {%- set patterns = [
        ('full_time', '\\bfull ?time\\b|\\bfulltime\\b|\\bvollzeit\\b|\\bfull time\\b'),
        ('part_time', '\\bpart ?time\\b|\\bpartime\\b|\\bteilzeit\\b'),
        ('contract', '\\bcontract(or|ors|ing)?\\b|\\bfreelance(r)?\\b|\\b1099\\b|\\bconsultant\\b'),
        ('internship', '\\bintern(s|ship|ships)?\\b|\\bco ?op(s)?\\b|\\bpraktikum\\b|\\bwerkstudent\\b|\\btrainee\\b|\\bapprentice(ship)?\\b'),
        ('temporary', '\\btemp(orary)?\\b|\\bseasonal\\b|\\bbefristet\\b|\\bfixed term\\b'),
    ] -%}
    coalesce(
        list_transform(
            [list_sort(list_filter([
                {%- for category, pattern in patterns %}
                {position: strpos({{ text }}, regexp_extract({{ text }}, '{{ pattern }}')), category: '{{ category }}', found: regexp_matches({{ text }}, '{{ pattern }}')}
                {%- if not loop.last %},{% endif %}
                {%- endfor %}
            ], lambda candidate: candidate.found))],
            lambda found: found[1].category
        )[1],
        'unknown'
    )
{%- endmacro %}
