-- Every distinct published location text read into a country (ISO 3166 alpha-2), region and
-- city with the `location_aliases` seed; the rule is the `location_parsing` docs block.
{#-
    Incremental: a text's reading depends only on the text and the `location_aliases` seed, so a
    nightly build reads only the new texts. Run `postings transform --full-refresh` after
    changing the seed or this model.
-#}
{{ config(materialized='incremental', unique_key='location', incremental_strategy='append') }}

with

posting_versions as (

    select * from {{ ref('stg_raw__posting_versions') }}

),

location_aliases as (

    select * from {{ ref('location_aliases') }}

),

location_texts as (

    select distinct location
    from posting_versions
    where
        location is not null
        {%- if is_incremental() %}
        -- Incremental: only the texts never read before.
            and location not in (select parsed.location from {{ this }} as parsed)
        {%- endif %}

),

-- Work-mode and hedging words removed; "anywhere in the U.S." keeps only the place; lists of
-- places ("; ", " | ", " / ", " or ", " and ", " & ", " + ", " · ") become `;`-separated.
cleaned as (

    select
        location,
        regexp_replace(
            regexp_replace(
                regexp_replace(
                    regexp_replace(
                        location,
                        '(?i)\b(work from )?anywhere\s+(in|within)\s+(the\s+)?', '', 'g'
                    ),
                    -- Qualifiers with numbers, up to the next comma or bracket: "2 days/wk",
                    -- "3 days in office", "UTC-6" (their "/" is not a list of places).
                    '\d[^(),;]*', ' ', 'g'
                ),
                '(?i)\b(100%|fully|primarily|remote[- ]?(first|friendly|job)?|hybrid|on[- ]?site|in[- ]?office|in[- ]?person|office|only|based( in)?|preferred|hq|headquarters|possible|a plus|located|in|within|across)\b',  -- noqa: LT05
                ' ', 'g'
            ),
            '(?i)\s(or|and)\s|[;|/·&+]', ';', 'g'
        ) as cleaned_location

    from location_texts

),

places as (

    select
        location,
        unnest(place_texts) as place_text,
        unnest(generate_series(1, len(place_texts))) as place_index

    from (
        select
            location,
            regexp_split_to_array(cleaned_location, ';') as place_texts
        from cleaned
    ) as places

),

-- A place's parts: split on commas, brackets and spaced dashes; "US-Chicago" is "US, Chicago".
parts_split as (

    select
        location,
        place_index,
        regexp_split_to_array(
            regexp_replace(place_text, '(^|,)\s*([A-Z]{2,3})-', '\1\2,', 'g'),
            '\s*(,|\(|\)|\s[-–—]\s|\s[-–—]$|^[-–—]\s)\s*'
        ) as part_texts

    from places

),

parts as (

    select
        location,
        place_index,
        row_number() over (partition by location, place_index order by raw_index) as part_index,
        trim(part_text, ' -–—:!*') as part_text,
        {{ location_key('part_text') }} as part_key

    from (
        select
            location,
            place_index,
            unnest(part_texts) as part_text,
            unnest(generate_series(1, len(part_texts))) as raw_index
        from parts_split
    ) as parts
    where {{ location_key('part_text') }} is not null

),

part_counts as (

    select
        location,
        place_index,
        count(*) as place_part_count

    from parts
    group by location, place_index

),

candidates as (

    select
        parts.*,
        part_counts.place_part_count,
        location_aliases.place_type,
        location_aliases.city as alias_city,
        location_aliases.region as alias_region,
        nullif(location_aliases.country_code, '') as alias_country_code,
        count(location_aliases.alias) over (
            partition by parts.location, parts.place_index, parts.part_index
        ) as candidate_count

    from parts
    inner join part_counts
        on
            parts.location = part_counts.location
            and parts.place_index = part_counts.place_index
    left join location_aliases
        on parts.part_key = location_aliases.alias

),

-- Countries that a part names without ambiguity anchor the reading of ambiguous parts
-- ("CA" is Canada beside Toronto, California beside Hawthorne).
anchors as (

    select distinct
        location,
        place_index,
        alias_country_code as anchor_country_code

    from candidates
    where candidate_count = 1 and alias_country_code is not null

),

resolved_parts as (

    select
        candidates.*,
        anchors.anchor_country_code is not null as is_anchored

    from candidates
    left join anchors
        on
            candidates.location = anchors.location
            and candidates.place_index = anchors.place_index
            and candidates.alias_country_code = anchors.anchor_country_code
    qualify row_number() over (
        partition by candidates.location, candidates.place_index, candidates.part_index
        order by
            anchors.anchor_country_code is not null desc,
            case
                when candidates.place_part_count = 1
                    then
                        case candidates.place_type
                            when 'country' then 1 when 'city' then 2 else 3
                        end
                when candidates.part_index = 1
                    then
                        case candidates.place_type
                            when 'city' then 1 when 'region' then 2 else 3
                        end
                else
                    case candidates.place_type when 'region' then 1 when 'country' then 2 else 3 end
            end,
            candidates.alias_country_code
    ) = 1

),

places_read as (

    select
        location,
        place_index,
        bool_or(place_type = 'area') as names_an_area,
        count(distinct alias_country_code) as country_count,
        any_value(alias_country_code) as any_country_code,
        count(distinct alias_city) filter (where place_type = 'city') as city_count,
        any_value(alias_city) filter (where place_type = 'city') as any_city,
        count(distinct alias_region) filter (where place_type = 'region') as region_count,
        any_value(alias_region) filter (where place_type = 'region') as any_region,
        any_value(nullif(alias_region, '')) filter (where place_type = 'city') as city_region,
        -- Unresolved parts that look like place names (no digits, not a time zone or a
        -- county/area qualifier) make the city uncertain.
        count(*) filter (
            where place_type is null
            and not regexp_matches(part_text, '\d')
            and not regexp_matches(
                lower(part_text),
                '\b(county|area|metro|region|time|timezones?|zones?|utc|gmt|cet|cest|est|cst|pst|pt|et|ct|mt|overlap|hours?)\b'  -- noqa: LT05
            )
        ) as unresolved_name_count,
        any_value(part_text) filter (where part_index = 1 and place_type is null)
            as first_unresolved_part,
        bool_or(part_index > 1 and place_type in ('region', 'country'))
            as has_later_region_or_country,
        -- "San Francisco, New York": a city and a region of another state are two places.
        count(distinct alias_region) filter (where place_type = 'region') = 1
        and count(distinct alias_city) filter (where place_type = 'city') = 1
        and coalesce(any_value(nullif(alias_region, '')) filter (where place_type = 'city'), '')
        not in ('', any_value(alias_region) filter (where place_type = 'region'))
            as city_and_region_disagree

    from resolved_parts
    group by location, place_index

),

places_placed as (

    select
        location,
        place_index,
        case
            when not names_an_area and country_count = 1 then any_country_code
        end as place_country_code,
        case
            when names_an_area or country_count <> 1 or city_and_region_disagree then null
            when city_count = 1 and unresolved_name_count = 0 then any_city
            when
                city_count = 0 and unresolved_name_count = 1
                and first_unresolved_part is not null
                and has_later_region_or_country
                and length(first_unresolved_part) <= 40
                then first_unresolved_part
        end as place_city,
        case
            when names_an_area or country_count <> 1 or city_and_region_disagree then null
            when unresolved_name_count > 0 and city_count + region_count = 0 then null
            when region_count = 1 and unresolved_name_count <= 1 then any_region
            when region_count = 0 and city_count = 1 and unresolved_name_count = 0 then city_region
        end as place_region

    from places_read

),

locations_read as (

    select
        location,
        count(*) as place_count,
        case
            when
                count(place_country_code) = count(*)
                and count(distinct place_country_code) = 1
                then any_value(place_country_code)
        end as country_code,
        case
            when
                count(place_country_code) = count(*)
                and count(distinct place_country_code) = 1
                and count(place_city) = count(*)
                and count(distinct place_city) = 1
                then any_value(place_city)
        end as city,
        case
            when
                count(place_country_code) = count(*)
                and count(distinct place_country_code) = 1
                and count(place_region) = count(*)
                and count(distinct place_region) = 1
                then any_value(place_region)
        end as region

    from places_placed
    group by location

),

final as (

    select
        location_texts.location,
        locations_read.country_code,
        locations_read.region,
        locations_read.city,
        coalesce(locations_read.place_count, 0) as place_count

    from location_texts
    left join locations_read
        on location_texts.location = locations_read.location

)

select * from final
