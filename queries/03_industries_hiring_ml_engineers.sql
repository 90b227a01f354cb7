-- Question (ANALYSIS.md, "Industries hiring most": computer & software, finance & banking,
-- professional services): in which industries are the postings for machine learning engineers,
-- and how was each industry decided (published by the source, known company, text evidence)?
with

ml_engineer_postings as (

    select
        posting_industries.industry_bucket,
        coalesce(posting_industries.industry_name, 'unknown') as industry_name,
        posting_industries.method

    from marts.dim_postings as postings
    inner join marts.fct_posting_industries as posting_industries
        on postings.posting_id = posting_industries.posting_id
    where postings.role_family = 'ml_engineer'

)

select
    industry_bucket,
    industry_name,
    count(*) as postings_count,
    round(count(*) / sum(count(*)) over (), 3) as share_of_ml_engineer_postings,
    round(sum(count(*)) over (partition by industry_bucket) / sum(count(*)) over (), 3)
        as bucket_share,
    count(*) filter (where method = 'source_field') as by_source_field,
    count(*) filter (where method = 'known_company') as by_known_company,
    count(*) filter (where method = 'text_evidence') as by_text_evidence

from ml_engineer_postings
group by industry_bucket, industry_name
order by bucket_share desc, industry_bucket, postings_count desc, industry_name
