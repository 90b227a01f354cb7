with

source as (

    select * from {{ source('raw', 'schedule_decisions') }}

),

renamed as (

    select
        source_key,
        decided_at,
        cast(decided_at as date) as decided_date,
        schedule,
        is_due,
        reason,
        interval_nights,
        next_due_at,
        -- Decisions are written with the night's load: their time is the load's for the
        -- staging tests' scope (dbt_project.yml).
        decided_at as loaded_at

    from source

)

select * from renamed
