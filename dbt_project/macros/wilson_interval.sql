{#-
    One bound of the Wilson score interval of a share `successes / trials` (95% by default), as
    a double in [0, 1]; null when `trials` is 0 or null. Wilson, not the normal approximation:
    it stays inside [0, 1] and is honest for the small cells and the 0% and 100% shares that
    per-month, per-role aggregates are full of (0 of 3 gives 0 to 0.56, not 0 to 0).
        centre    = (p + z^2 / 2n) / (1 + z^2 / n)
        half width = z / (1 + z^2 / n) * sqrt(p (1 - p) / n + z^2 / 4n^2)
    Rounded to 6 decimals (a millionth: finer than any share here can be known), so results
    and unit tests are exact rather than float noise.
-#}
{% macro wilson_interval(successes, trials, bound, z=1.959963984540054) -%}
    {%- if bound not in ('lower', 'upper') -%}
        {{ exceptions.raise_compiler_error(
            "wilson_interval: bound must be 'lower' or 'upper', not '" ~ bound ~ "'") }}
    {%- endif -%}
    {%- set n = 'cast(' ~ trials ~ ' as double)' -%}
    {%- set p = '(cast(' ~ successes ~ ' as double) / nullif(' ~ n ~ ', 0))' -%}
    {%- set zz = z * z -%}
    case when {{ n }} > 0 then round(greatest(0.0, least(1.0,
        ({{ p }} + {{ zz }} / (2 * {{ n }})) / (1 + {{ zz }} / {{ n }})
        {{ '-' if bound == 'lower' else '+' }} {{ z }} / (1 + {{ zz }} / {{ n }})
        * sqrt(greatest(0.0, {{ p }} * (1 - {{ p }}) / {{ n }} + {{ zz }} / (4 * {{ n }} * {{ n }})))
    )), 6) end
{%- endmacro %}
