-- Question (ANALYSIS.md, "changes month to month" and "Context the study gives": AI/ML spreading
-- from pilots to business lines): month by month, what share of ML-engineer and data-scientist
-- postings ask for each of the study's four themes? (Month of publication, else first seen.)
select
    posting_month,
    role_family,
    theme_id,
    sum(postings_count) as postings_count,
    sum(mentioning_postings_count) as mentioning_postings_count,
    round(sum(mentioning_postings_count) / sum(postings_count), 3) as mention_share

from marts.agg_theme_share_monthly
where
    role_family in ('ml_engineer', 'data_scientist')
    and theme_group = 'theme'
group by posting_month, role_family, theme_id
order by posting_month, role_family, theme_id
