-- The industries a source states for a posting's employer, when it states any: one row per
-- posting version that carries a label. The labels are read from the payload by the kind's
-- parser (`industry_labels` of stg_raw__posting_versions: schema.org `industry` of JSON-LD
-- JobPostings and their hiringOrganization, SmartRecruiters `industry.label`, Greenhouse
-- "Industry" custom fields...). `industry_label` is the first one stated, the employer's
-- primary industry; mapping labels to the warehouse taxonomy happens in fct_posting_industries.
with

versions as (

    select * from {{ ref('stg_raw__posting_versions') }}

),

labelled as (

    select
        posting_version_id,
        posting_id,
        source_kind,
        {{ clean_text('industry_labels[1]') }} as industry_label,
        industry_labels,
        loaded_at

    from versions
    where len(industry_labels) > 0

)

select * from labelled
where industry_label is not null
