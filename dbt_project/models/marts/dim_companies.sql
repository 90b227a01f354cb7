-- One row per employer seen in the postings, by company key (the normalised name, so one employer
-- is one row across sources and board names): the name as most postings write it, its industry
-- and how many postings it has. The industry is decided per employer in fct_posting_industries
-- (the `industry_method` docs block gives the order), so all its postings carry the same one;
-- should they not (a unit test feeds such rows), the known one wins, then the most frequent.
with

postings as (

    select * from {{ ref('dim_postings') }}

),

posting_industries as (

    select * from {{ ref('fct_posting_industries') }}

),

industries as (

    select * from {{ ref('industries') }}

),

company_postings as (

    select
        posting_industries.company_key,
        posting_industries.industry_id,
        posting_industries.method,
        posting_industries.evidence,
        posting_industries.confidence,
        postings.company_name,
        postings.is_active,
        postings.first_seen_at,
        postings.last_seen_at

    from posting_industries
    inner join postings
        on posting_industries.posting_id = postings.posting_id
    where posting_industries.company_key is not null

),

company_names as (

    select
        company_key,
        company_name

    from company_postings
    group by company_key, company_name
    qualify row_number() over (
        partition by company_key
        order by count(*) desc, company_name
    ) = 1

),

company_industries_decided as (

    select
        company_key,
        industry_id,
        method as industry_method,
        any_value(evidence) as industry_evidence,
        max(confidence) as industry_confidence

    from company_postings
    where industry_id is not null
    group by company_key, industry_id, method
    qualify row_number() over (
        partition by company_key
        order by method = 'known_company' desc, count(*) desc, industry_id
    ) = 1

),

company_counts as (

    select
        company_key,
        count(*) as postings_count,
        count(*) filter (where is_active) as active_postings_count,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at

    from company_postings
    group by company_key

),

final as (

    select
        company_counts.company_key,
        company_names.company_name,
        company_industries_decided.industry_id,
        industries.industry_name,
        company_industries_decided.industry_evidence,
        company_industries_decided.industry_confidence,
        company_counts.postings_count,
        company_counts.active_postings_count,
        company_counts.first_seen_at,
        company_counts.last_seen_at,
        coalesce(industries.industry_bucket, 'unknown') as industry_bucket,
        coalesce(company_industries_decided.industry_method, 'unknown') as industry_method

    from company_counts
    inner join company_names
        on company_counts.company_key = company_names.company_key
    left join company_industries_decided
        on company_counts.company_key = company_industries_decided.company_key
    left join industries
        on company_industries_decided.industry_id = industries.industry_id

)

select * from final
