-- Every industry label a source publishes, split into the industries it lists and each mapped to
-- the warehouse taxonomy: one row per posting version and listed industry, in the order listed.
--
-- Sources write one label ("Software Development"), a LinkedIn-style list ("Technology,
-- Information and Internet, Software Development, and IT Services and IT Consulting"), a V1 or
-- localised label (industry_label_aliases), or a NAICS / SIC code ("NAICS 541511", "SIC 7372").
-- A list is split on commas and on its final "and", but a label that itself contains a comma or
-- "and" ("Technology, Information and Internet", "IT Services and IT Consulting") is kept whole:
-- the known labels with a comma are protected before the split, and a piece is cut at its last
-- " and " only when both halves are known labels and the whole is not.
-- A piece that maps to nothing is kept verbatim with `is_mapped = false`: it is never guessed.
-- Reads stg_raw__posting_industry_labels only, so it does not change when the source of the
-- labels (the per-kind payload parsers) does.
with

labels as (

    select * from {{ ref('stg_raw__posting_industry_labels') }}

),

linkedin_industry_map as (

    select * from {{ ref('linkedin_industry_map') }}

),

industry_label_aliases as (

    select * from {{ ref('industry_label_aliases') }}

),

industry_codes as (

    select * from {{ ref('industry_codes') }}

),

known_labels as (

    -- A V2 label itself, or an alias of one; compared lowercased, typographic apostrophes straight.
    select
        linkedin_industry_id,
        industry_id,
        replace(lower(trim(linkedin_industry_label)), '’', '''') as label_key

    from linkedin_industry_map

    union

    select
        linkedin_industry_map.linkedin_industry_id,
        linkedin_industry_map.industry_id,
        replace(lower(trim(industry_label_aliases.industry_label)), '’', '''') as label_key

    from industry_label_aliases
    inner join linkedin_industry_map
        on industry_label_aliases.linkedin_industry_id = linkedin_industry_map.linkedin_industry_id

),

labels_with_commas as (

    select coalesce(list(label_key order by length(label_key) desc), []) as label_keys
    from known_labels
    where label_key like '%,%'

),

protected as (

    -- The commas inside known labels become \x01, the Oxford comma before the last item goes.
    select
        labels.posting_version_id,
        labels.posting_id,
        labels.source_kind,
        labels.industry_label,
        string_split(
            regexp_replace(
                list_reduce(  -- noqa: RF02, LT01
                    labels_with_commas.label_keys,  -- noqa: PRS, LT05
                    lambda protected_label, known: replace(
                        protected_label, known, replace(known, ',', chr(1))
                    ),
                    replace(lower(trim(labels.industry_label)), '’', '''')
                ),
                ',\s*and\s+', ', ', 'g'
            ),
            ','
        ) as pieces

    from labels
    cross join labels_with_commas

),

pieces as (

    select
        posting_version_id,
        posting_id,
        source_kind,
        industry_label,
        unnest(pieces) as piece,
        unnest(range(1, len(pieces) + 1)) as piece_position

    from protected

),

pieces_cleaned as (

    select
        posting_version_id,
        posting_id,
        source_kind,
        industry_label,
        piece_position,
        trim(regexp_replace(replace(piece, chr(1), ','), '^\s*and\s+', '')) as piece

    from pieces

),

pieces_cut_at_and as (

    -- "A, B and C": the last piece is cut at its last " and " when both halves are known
    -- labels and the whole is not ("IT Services and IT Consulting" stays whole).
    select
        pieces_cleaned.posting_version_id,
        pieces_cleaned.posting_id,
        pieces_cleaned.source_kind,
        pieces_cleaned.industry_label,
        pieces_cleaned.piece_position * 2 + halves.half as label_position,
        case halves.half
            when 0 then regexp_extract(pieces_cleaned.piece, '^(.*)\s+and\s+(.*)$', 1)
            else regexp_extract(pieces_cleaned.piece, '^(.*)\s+and\s+(.*)$', 2)
        end as label_part

    from pieces_cleaned
    cross join range(2) as halves (half)
    where
        pieces_cleaned.piece not in (select known_labels.label_key from known_labels)
        and regexp_extract(pieces_cleaned.piece, '^(.*)\s+and\s+(.*)$', 1)
        in (select known_labels.label_key from known_labels)
        and regexp_extract(pieces_cleaned.piece, '^(.*)\s+and\s+(.*)$', 2)
        in (select known_labels.label_key from known_labels)

),

pieces_whole as (

    select
        posting_version_id,
        posting_id,
        source_kind,
        industry_label,
        piece_position * 2 as label_position,
        piece as label_part

    from pieces_cleaned
    where
        piece != ''
        and not exists (
            select 1
            from pieces_cut_at_and
            where
                pieces_cut_at_and.posting_version_id = pieces_cleaned.posting_version_id
                and pieces_cut_at_and.industry_label = pieces_cleaned.industry_label
                and pieces_cut_at_and.label_position // 2 = pieces_cleaned.piece_position
        )

),

label_parts as (

    select * from pieces_whole
    union all
    select * from pieces_cut_at_and

),

codes_parsed as (

    select
        *,
        case
            when regexp_matches(label_part, '^sic\b') then 'sic'
            when regexp_matches(label_part, '^(naics\s*:?\s*)?\d{2,6}$') then 'naics'
        end as code_system,
        regexp_extract(label_part, '(\d{2,6})$', 1) as code

    from label_parts

),

code_matches as (

    -- The longest code prefix of the seed that starts the code wins.
    select
        codes_parsed.posting_version_id,
        codes_parsed.industry_label,
        codes_parsed.label_position,
        industry_codes.industry_id

    from codes_parsed
    inner join industry_codes
        on
            codes_parsed.code_system = industry_codes.code_system
            and starts_with(codes_parsed.code, industry_codes.code_prefix)
    where codes_parsed.code != ''
    qualify row_number() over (
        partition by
            codes_parsed.posting_version_id,
            codes_parsed.industry_label,
            codes_parsed.label_position
        order by length(industry_codes.code_prefix) desc
    ) = 1

),

mapped as (

    select
        codes_parsed.posting_version_id,
        codes_parsed.posting_id,
        codes_parsed.source_kind,
        codes_parsed.industry_label,
        codes_parsed.label_part,
        coalesce(known_labels.industry_id, code_matches.industry_id) as industry_id,
        case
            when known_labels.industry_id is not null then 'linkedin_label'
            when code_matches.industry_id is not null then codes_parsed.code_system || '_code'
        end as mapped_by,
        row_number() over (
            partition by codes_parsed.posting_version_id
            order by codes_parsed.industry_label, codes_parsed.label_position
        ) as label_position

    from codes_parsed
    left join known_labels
        on codes_parsed.label_part = known_labels.label_key
    left join code_matches
        on
            codes_parsed.posting_version_id = code_matches.posting_version_id
            and codes_parsed.industry_label = code_matches.industry_label
            and codes_parsed.label_position = code_matches.label_position
    qualify row_number() over (
        partition by
            codes_parsed.posting_version_id,
            codes_parsed.industry_label,
            codes_parsed.label_position
        order by known_labels.linkedin_industry_id
    ) = 1

),

final as (

    select
        {{ surrogate_key(['posting_version_id', 'label_position']) }} as industry_label_part_id,
        posting_version_id,
        posting_id,
        source_kind,
        industry_label,
        label_position,
        label_part,
        industry_id,
        industry_id is not null as is_mapped,
        mapped_by

    from mapped

)

select * from final
