with

industries as (

    select * from {{ ref('industries') }}

),

final as (

    select
        industry_id,
        industry_name,
        naics_sector,
        naics_sector_name,
        industry_bucket,
        notes

    from industries

)

select * from final
