with

themes as (

    select * from {{ ref('themes') }}

),

theme_terms as (

    select * from {{ ref('theme_terms') }}

),

terms_per_theme as (

    select
        theme_id,
        count(*) as term_count,
        list_sort(list_distinct(list(term))) as terms

    from theme_terms
    group by theme_id

),

final as (

    select
        themes.theme_id,
        themes.theme_group,
        themes.theme_name,
        themes.description,
        coalesce(terms_per_theme.term_count, 0) as term_count,
        coalesce(terms_per_theme.terms, []) as terms

    from themes
    left join terms_per_theme
        on themes.theme_id = terms_per_theme.theme_id

)

select * from final
