-- Skill aliases that are also ordinary words must never match as words: "Go", "R", "C",
-- "Spark" and "Excel" count only with context; "React" and "Teams" at least by case; no one- or
-- two-letter name is compared case-insensitively. One row per alias that breaks this.
select
    alias_id,
    alias,
    match_policy

from {{ ref('skill_aliases') }}
where
    (lower(alias) in ('go', 'r', 'c', 'spark', 'excel') and match_policy != 'needs_context')
    or (lower(alias) in ('react', 'teams') and match_policy = 'case_insensitive')
    or (regexp_full_match(alias, '[A-Za-z0-9]{1,2}') and match_policy = 'case_insensitive')
