{#-
    A published date or time as a UTC `timestamptz`, never failing: a value that cannot be read
    becomes null. Understood forms, checked in this order:
      - epoch milliseconds (12-13 digits, e.g. Lever's `createdAt`) and epoch seconds (9-10 digits);
      - RFC 822 dates of RSS feeds (`Mon, 12 May 2026 10:00:00 +0000`, `... GMT`): zone honoured;
      - a date-time followed by ` UTC` or ` GMT` (Recruitee's `2026-08-05 10:10:39 UTC`);
      - ISO 8601 with a zone (`Z`, `+02:00`, `-0400`): the zone is honoured;
      - ISO 8601 without a zone, and plain dates (`2024-01-15`): read as UTC.
    Casting a zoned string to `timestamp` would silently drop its offset, hence the two branches.
-#}
{% macro to_utc_timestamp(expression) -%}
    case
        when regexp_full_match(trim({{ expression }}), '\d{12,13}')
            then timezone('UTC', epoch_ms(cast(trim({{ expression }}) as bigint)))
        when regexp_full_match(trim({{ expression }}), '\d{9,10}')
            then timezone('UTC', epoch_ms(cast(trim({{ expression }}) as bigint) * 1000))
        when regexp_matches(trim({{ expression }}), '^[A-Za-z]{3}, \d{1,2} [A-Za-z]{3} \d{4} ')
            then try_strptime(
                regexp_replace(trim({{ expression }}), '\s(GMT|UTC|UT|Z)$', ' +0000'),
                '%a, %d %b %Y %H:%M:%S %z'
            )
        when regexp_matches(trim({{ expression }}), '\d\s+(UTC|GMT)$')
            then timezone('UTC', try_cast(
                regexp_replace(trim({{ expression }}), '\s+(UTC|GMT)$', '') as timestamp
            ))
        when regexp_matches(trim({{ expression }}), '(?i)(z|[+-]\d{2}:?\d{2})$')
            then try_cast(trim({{ expression }}) as timestamptz)
        else timezone('UTC', try_cast(trim({{ expression }}) as timestamp))
    end
{%- endmacro %}
