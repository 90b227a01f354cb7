-- Every posting version with comparable fields: location (country_code, region, city),
-- work_mode, salary (amounts, ISO currency, period, annualised, source), employment type and a
-- cleaned title. The rules are the docs blocks of _intermediate__docs.md.
-- Incremental: a version's normalised fields depend only on the version and the seeds, so a
-- nightly build normalises only the versions loaded since the last build. Run `postings
-- transform --full-refresh` after changing a rule or a seed.
{{ config(
    materialized='incremental',
    unique_key='posting_version_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
) }}
{%- set watermark = incremental_watermark('loaded_at') %}

with

unioned as (

    select * from {{ ref('stg_raw__posting_versions') }}
    {%- if watermark is not none %}
        where loaded_at >= {{ watermark }}
    {%- endif %}

),

-- Impossible values become null with their issue named (the `impossible_values` docs block).
posting_versions as (

    select
        * replace (
            {{ plausible_timestamp('posted_at', 'loaded_at') }} as posted_at,
            {{ finite_number('salary_min') }} as salary_min,
            {{ finite_number('salary_max') }} as salary_max
        ),
        {{ timestamp_issue('posted_at', 'loaded_at') }} as posted_at_issue,
        coalesce(not isfinite(salary_min) or not isfinite(salary_max), false)
            as has_non_finite_salary

    from unioned

),

location_texts_parsed as (

    select * from {{ ref('int_location_texts_parsed') }}

),

location_aliases as (

    select * from {{ ref('location_aliases') }}

),

country_aliases as (

    select
        alias,
        country_code
    from location_aliases
    where place_type = 'country'

),

region_aliases as (

    select
        alias,
        country_code,
        region
    from location_aliases
    where place_type = 'region'

),

-- Structured country and region first; the parsed location text fills the gaps.
located as (

    select
        posting_versions.*,
        location_texts_parsed.country_code as text_country_code,
        location_texts_parsed.region as text_region,
        location_texts_parsed.city as text_city,
        published_region.region as published_region_name,
        coalesce(published_country.country_code, location_texts_parsed.country_code)
            as country_code

    from posting_versions
    left join country_aliases as published_country
        on {{ location_key('posting_versions.country') }} = published_country.alias
    left join location_texts_parsed
        on posting_versions.location = location_texts_parsed.location
    left join region_aliases as published_region
        on
            {{ location_key('posting_versions.region') }} = published_region.alias
            and published_region.country_code
            = coalesce(published_country.country_code, location_texts_parsed.country_code)

),

-- Pay statements: the kind's salary field, else the title, else the description (ranges and
-- open ranges only there).
salary_statements as (

    select
        *,
        coalesce(
            {{ salary_text_parts('salary_text', allow_single=true) }}[1],
            {{ salary_text_parts('title') }}[1],
            {{ salary_text_parts('description_text') }}[1]
        ) as pay

    from located

),

salary_read as (

    select
        *,
        salary_min is not null
        or salary_max is not null as has_structured_salary,
        {{ salary_amount('pay.amount_from', 'pay.suffix_from') }} as text_amount_from,
        {{ salary_amount('pay.amount_to', 'pay.suffix_to') }} as text_amount_to,
        {{ currency_code(
            "coalesce(nullif(pay.currency_after, ''), nullif(pay.currency_before, ''), "
            ~ "nullif(pay.currency_middle, ''))"
        ) }} as text_currency_marker

    from salary_statements

),

salary_scaled as (

    select
        *,
        -- "100-130k": a `k` on one bound only applies to a bare bound below 1,000 too.
        case
            when
                pay.suffix_from = ''
                and lower(pay.suffix_to) = 'k'
                and text_amount_from < 1000
                then text_amount_from * 1000
            else text_amount_from
        end as text_min,
        case
            when
                pay.suffix_to = ''
                and lower(pay.suffix_from) = 'k'
                and text_amount_to < 1000
                then text_amount_to * 1000
            else text_amount_to
        end as text_max

    from salary_read

),

salary_chosen as (

    select
        *,
        case
            when has_structured_salary then 'structured'
            when text_min is not null then 'text'
        end as salary_source,
        case
            when has_structured_salary then salary_min else
                text_min
        end as published_min,
        case
            when has_structured_salary then salary_max else
                text_max
        end as published_max,
        case
            when has_structured_salary
                then
                    case
                        when
                            regexp_full_match(
                                upper(trim(salary_currency)), '[A-Z]{3}'
                            )
                            then upper(trim(salary_currency))
                    end
            when text_min is not null then
                case
                    when
                        text_currency_marker <> '$'
                        then text_currency_marker
                    when country_code = 'US' then 'USD'
                end
        end as chosen_currency,
        case
            when has_structured_salary then {{ salary_period('salary_interval') }}
            when text_min is not null then
                coalesce(
                    {{ salary_period('pay.period') }},
                    -- No period stated: annual only when every bound is a yearly-size amount.
                    case
                        when
                            text_min >= 15000
                            and coalesce(text_max, text_min) >= 15000
                            then 'year'
                    end
                )
        end as chosen_period,
        -- The bounds are in one unit when both are structured or carry the same suffix.
        has_structured_salary or lower(pay.suffix_from) = lower(pay.suffix_to)
        or text_max is null as bounds_share_a_unit

    from salary_scaled

),

salary_checked as (

    select
        *,
        case
            -- "$300 - $291,500": bounds of different sizes are not one range.
            when salary_source = 'text' and published_max > 10 * published_min
                then 'inconsistent_range'
            when published_min is null or published_max is null or published_min <= published_max
                then null
            when bounds_share_a_unit then 'swapped_range'
            else 'inconsistent_range'
        end as range_issue

    from salary_chosen

),

normalised as (

    select
        *,
        case
            when range_issue = 'inconsistent_range' then null
            when range_issue = 'swapped_range' then published_max
            else published_min
        end as normalised_salary_min,
        case
            when range_issue = 'inconsistent_range' then null
            when range_issue = 'swapped_range' then published_min
            else published_max
        end as normalised_salary_max,
        case
            when has_non_finite_salary then 'not_finite_amount'
            when range_issue is not null then range_issue
            when salary_source = 'text' and text_currency_marker = '$' and chosen_currency is null
                then 'ambiguous_dollar'
            when salary_source = 'structured' and chosen_currency is null then 'missing_currency'
        end as salary_issue

    from salary_checked

),

worded as (

    select
        *,
        list_filter(
            regexp_split_to_array(
                regexp_replace(lower(coalesce(description_text, '')), '[^[:alnum:]\s]+', '', 'g'),
                '\s+'
            ),
            lambda word: word <> ''
        ) as description_words

    from normalised

),

final as (

    select
        posting_version_id,
        posting_id,
        source_kind,
        title,
        {{ title_clean('title') }} as title_clean,
        location,
        country_code,
        case
            when published_region_name is not null then published_region_name
            when region is not null then region
            when text_country_code = country_code then text_region
        end as region,
        case
            when city is not null then city
            when text_country_code = country_code then text_city
        end as city,
        coalesce(
            workplace_type,
            -- A work mode the title adds after a separator: "Engineer - US Remote", "(Hybrid)".
            nullif(lower(regexp_extract(
                title,
                '(?i)[-–—|(,/]\s*(?:(?:fully|100%)\s+)?(?:[a-z]{2,6}\s+)?(remote|hybrid)\b',
                1
            )), ''),
            'unknown'
        ) as work_mode,
        {{ employment_type_category('employment_type') }} as employment_type,
        employment_type as employment_type_published,
        salary_source,
        case when salary_source is not null then normalised_salary_min end as salary_min,
        case when salary_source is not null then normalised_salary_max end as salary_max,
        case when salary_source is not null then chosen_currency end as salary_currency,
        case when salary_source is not null then chosen_period end as salary_period,
        normalised_salary_min * {{ annualisation_factor('chosen_period') }} as salary_min_annual,
        normalised_salary_max * {{ annualisation_factor('chosen_period') }} as salary_max_annual,
        salary_issue,
        -- The keys int_postings_deduplicated groups by (the `deduplication` docs block), read
        -- here once per version rather than for every posting at every build.
        -- The URL without scheme, "www.", fragment and trailing slash (the query stays: it
        -- often holds the id).
        nullif(regexp_replace(
            regexp_replace(lower(url), '^[a-z]+://(www\.)?', ''),
            '#.*$|/+$', ''
        ), '') as url_key,
        {{ company_key('company_name') }} as company_key,
        nullif(trim(regexp_replace(
            regexp_replace(lower({{ title_clean('title') }}), '\([^)]*\)|\[[^\]]*\]', ' ', 'g'),
            '[^[:alnum:]]+', ' ', 'g'
        )), '') as title_key,
        -- The first 20 words of the description, lowercased, punctuation dropped: a copy
        -- trimmed by the source (or by a recording) keeps the same fingerprint.
        case
            when len(description_words) >= 20
                then md5(array_to_string(description_words[1:20], ' '))
        end as description_fingerprint,
        posted_at,
        posted_at_issue,
        loaded_at

    from worded

)

select * from final
