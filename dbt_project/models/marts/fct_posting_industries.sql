-- The industry of each posting's employer, with how it was decided (the `industry_method` docs
-- block of _marts__docs.md says the rule in full). The industry is decided once
-- per employer from all its postings and every posting inherits it, so a posting that says
-- nothing about its employer still gets the industry its employer's other postings show. The
-- order: a stated label anywhere for the employer, the known-company seed, what the employer
-- says it is where it describes itself (int_posting_self_descriptions_matched), text evidence
-- summed over its postings, a cue in its name, weak signals alone, `unmapped` (a label that maps
-- to nothing), software for an employer hiring engineers (`tech_hiring_default`), else
-- `unknown`. `confidence` says how much the decision can be trusted (see the
-- column's docs).
--
-- A table, rebuilt in full: an employer's decision depends on all its postings, so a new posting
-- can change the rows of old ones (an incremental build would leave them stale).
with

postings as (

    select * from {{ ref('dim_postings') }}

),

label_parts as (

    select * from {{ ref('int_industry_labels_mapped') }}

),

company_industries as (

    -- None when the build measures text evidence alone (`postings eval
    -- --without-known-companies` sets POSTINGS_DBT_INDUSTRY_KNOWN_COMPANIES to false).
    select * from {{ ref('company_industries') }}
    {%- if env_var('POSTINGS_DBT_INDUSTRY_KNOWN_COMPANIES', 'true') == 'false' %}
        where false
    {%- endif %}

),

company_name_cues as (

    select * from {{ ref('company_name_cues') }}

),

term_matches as (

    select * from {{ ref('int_posting_terms_matched') }}
    where term_set = 'industry_signal'

),

industry_text_signals as (

    select * from {{ ref('industry_text_signals') }}

),

self_description_matches as (

    select * from {{ ref('int_posting_self_descriptions_matched') }}

),

industries as (

    select * from {{ ref('industries') }}

),

posting_companies as (

    select
        posting_id,
        latest_posting_version_id,
        {{ company_key('company_name') }} as company_key,
        -- The employer the decision is made for; a posting naming no company is its own.
        coalesce({{ company_key('company_name') }}, 'posting:' || posting_id) as employer_key

    from postings

),

posting_label_parts as (

    select
        posting_companies.employer_key,
        posting_companies.posting_id,
        label_parts.industry_label,
        label_parts.label_position,
        label_parts.industry_id

    from posting_companies
    inner join label_parts
        on posting_companies.latest_posting_version_id = label_parts.posting_version_id

),

posting_primary_industries as (

    -- The first listed industry that maps, per posting.
    select
        employer_key,
        posting_id,
        industry_id,
        industry_label

    from posting_label_parts
    where industry_id is not null
    qualify row_number() over (partition by posting_id order by label_position) = 1

),

stated_counts as (

    select
        employer_key,
        industry_id,
        count(*) as posting_count,
        min(industry_label) as industry_label,
        sum(count(*)) over (partition by employer_key) as stating_posting_count

    from posting_primary_industries
    group by employer_key, industry_id

),

stated_industries as (

    -- The most frequent primary industry; the others stay in the evidence.
    select
        employer_key,
        industry_id,
        posting_count / stating_posting_count as confidence,
        industry_label || ' (' || posting_count || ' of ' || stating_posting_count
        || ' postings stating an industry'
        || coalesce('; also stated: ' || (
            select string_agg(others.industry_id, ', ' order by others.industry_id)
            from stated_counts as others
            where
                others.employer_key = stated_counts.employer_key
                and others.industry_id != stated_counts.industry_id
        ), '') || ')' as evidence

    from stated_counts
    qualify row_number() over (
        partition by employer_key
        order by posting_count desc, industry_id asc
    ) = 1

),

unmapped_labels as (

    -- Labels of which no listed industry maps: kept verbatim, never guessed.
    select
        employer_key,
        string_agg(distinct industry_label, '; ' order by industry_label) as evidence

    from posting_label_parts
    where
        employer_key not in (
            select primaries.employer_key from posting_primary_industries as primaries
        )
    group by employer_key

),

known_company_industries as (

    select distinct on (posting_companies.employer_key)
        posting_companies.employer_key,
        company_industries.industry_id,
        company_industries.company_name || ': ' || company_industries.evidence as evidence

    from posting_companies
    inner join company_industries
        on posting_companies.company_key = company_industries.company_key
    order by posting_companies.employer_key

),

signal_matches as (

    select
        posting_companies.employer_key,
        term_matches.posting_id,
        industry_text_signals.industry_id,
        industry_text_signals.term,
        industry_text_signals.signal_strength,
        -- the larger of the title's and the description's count (titles are often repeated)
        max(term_matches.mention_count) as mention_count

    from term_matches
    inner join industry_text_signals
        on term_matches.term_key = industry_text_signals.signal_id
    inner join posting_companies
        on term_matches.posting_id = posting_companies.posting_id
    group by all

),

signal_scores as (

    -- Summed over all the employer's postings.
    select
        employer_key,
        industry_id,
        coalesce(sum(mention_count) filter (where signal_strength = 'strong'), 0)
            as strong_mention_count,
        sum(mention_count) as mention_count,
        list_sort(list_distinct(list(term))) as evidence_terms

    from signal_matches
    group by employer_key, industry_id
    having count(*) filter (where signal_strength = 'strong') > 0

),

signal_ranked as (

    select
        *,
        row_number() over (
            partition by employer_key
            order by strong_mention_count desc, mention_count desc, industry_id asc
        ) as signal_rank

    from signal_scores

),

self_description_scores as (

    -- Signals where the employer describes itself ("we are a ...", "Acme is a ..."), summed
    -- over its postings, one count per posting and signal: a strong signal weighs 3, a weak,
    -- moderate or fallback one 2, a generic or self-only word ("platform", "software") 1.
    select
        posting_companies.employer_key,
        industry_text_signals.industry_id,
        sum(
            case industry_text_signals.signal_strength
                when 'strong' then 3
                when 'generic' then 1
                when 'self_only' then 1
                else 2
            end
        ) as score,
        list_sort(list_distinct(list(industry_text_signals.term))) as evidence_terms,
        -- whether a word more telling than "platform", "software" or "AI" is among them
        bool_or(industry_text_signals.signal_strength not in ('generic', 'self_only'))
            as is_specific

    from self_description_matches
    inner join industry_text_signals
        on self_description_matches.signal_id = industry_text_signals.signal_id
    inner join posting_companies
        on self_description_matches.posting_id = posting_companies.posting_id
    group by posting_companies.employer_key, industry_text_signals.industry_id

),

self_description_industries as (

    -- The best-scored industry, when it scores 2 or more (one generic word decides nothing).
    select
        employer_key,
        industry_id,
        is_specific,
        'self-description: ' || array_to_string(evidence_terms, ', ') as evidence

    from self_description_scores
    where score >= 2
    qualify row_number() over (
        partition by employer_key
        order by score desc, industry_id asc
    ) = 1

),

text_evidence_industries as (

    select
        winner.employer_key,
        winner.industry_id,
        case when winner.strong_mention_count >= 2 then 0.7 else 0.6 end as confidence,
        array_to_string(winner.evidence_terms, ', ')
        -- A staffing agency writing for a client: the client's industry, when the text names one.
        || case
            when winner.industry_id = 'staffing_recruiting' and runner_up.industry_id is not null
                then '; client industry: ' || runner_up.industry_id
            else ''
        end as evidence

    from signal_ranked as winner
    left join signal_ranked as runner_up
        on
            winner.employer_key = runner_up.employer_key
            and runner_up.signal_rank = 2
    where winner.signal_rank = 1

),

weak_only_industries as (

    -- An employer with no strong signal at all: its `fallback` signals (what a software maker
    -- builds: "SaaS platform", "SDK", "AI-native"), else its `moderate` ones (weak signals that
    -- describe the employer more often than its customers: "freight", "factory"), else its
    -- `generic` ones ("our platform", "APIs", "B2B") decide from one mention on, after the name
    -- cues; the least sure method. Generic words came after moderate ones when the eval's tune
    -- split showed five employers saying "our platform" and "freight", "factory", "renewable
    -- energy", "hospitality" or "healthtech" decided as software (tune accuracy 0.913 ->
    -- 0.930). Plain weak signals ("banks and fintechs") still decide nothing alone: they
    -- describe customers as often as the employer.
    select
        employer_key,
        industry_id,
        'weak signals only: ' || array_to_string(list_sort(list_distinct(list(term))), ', ')
            as evidence

    from signal_matches
    where
        signal_strength in ('fallback', 'moderate', 'generic')
        and employer_key not in (select scores.employer_key from signal_scores as scores)
    group by employer_key, industry_id
    having sum(mention_count) >= 1
    qualify row_number() over (
        partition by employer_key
        order by
            max(case signal_strength when 'fallback' then 3 when 'moderate' then 2 else 1 end)
            desc,
            sum(mention_count) desc,
            industry_id asc
    ) = 1

),

name_cue_industries as (

    select distinct on (posting_companies.employer_key)
        posting_companies.employer_key,
        company_name_cues.industry_id,
        'name: "' || company_name_cues.cue || '" in ' || posting_companies.company_key
            as evidence

    from posting_companies
    inner join company_name_cues
        on
            (' ' || posting_companies.company_key || ' ') like (
                '% ' || company_name_cues.cue || ' %'
            )
    order by
        posting_companies.employer_key asc,
        length(company_name_cues.cue) desc,
        company_name_cues.cue_id

),

self_description_decisions as (

    -- A name cue ("Triumph Financial", "Redbook Software") is surer than the domain a
    -- self-description names ("payments for freight", "software for farmers"): the
    -- self-description decides only for an employer whose name has no cue. And one made of
    -- generic words only ("we build AI tools") does not outweigh a strong signal elsewhere in
    -- the text ("edtech").
    select self_description_industries.*
    from self_description_industries
    anti join name_cue_industries
        on self_description_industries.employer_key = name_cue_industries.employer_key
    where
        self_description_industries.is_specific
        or self_description_industries.employer_key not in (
            select strong.employer_key from text_evidence_industries as strong
        )

),

tech_hiring_employers as (

    -- Employers hiring for software, ML or data work: when nothing else decides, a software
    -- employer (the most common kind by far among employers that hire engineers and say nothing
    -- else about themselves; the least sure method, confidence 0.3).
    select
        posting_companies.employer_key,
        'default: hiring ' || min(postings.title) as evidence

    from posting_companies
    inner join postings
        on posting_companies.posting_id = postings.posting_id
    where
        postings.role_family in (
            'ml_engineer', 'mlops_platform', 'research_scientist', 'data_scientist', 'data_engineer'
        )
        or regexp_matches(
            lower(postings.title),
            '\b(engineer|engineers|engineering|developer|developers|software|devops|sre|programmer'
            || '|full.?stack|back.?end|front.?end|technical staff)\b'
        )
    group by posting_companies.employer_key

),

employers as (

    select distinct employer_key from posting_companies

),

employer_decisions as (

    select
        employers.employer_key,
        case
            when stated_industries.employer_key is not null then 'source_field'
            when known_company_industries.employer_key is not null then 'known_company'
            when self_description_industries.employer_key is not null then 'text_evidence'
            when text_evidence_industries.employer_key is not null then 'text_evidence'
            when name_cue_industries.employer_key is not null then 'name_cue'
            when weak_only_industries.employer_key is not null then 'text_evidence'
            when unmapped_labels.employer_key is not null then 'unmapped'
            when tech_hiring_employers.employer_key is not null then 'tech_hiring_default'
            else 'unknown'
        end as method,
        coalesce(
            stated_industries.industry_id,
            known_company_industries.industry_id,
            self_description_industries.industry_id,
            text_evidence_industries.industry_id,
            name_cue_industries.industry_id,
            weak_only_industries.industry_id,
            case
                when
                    unmapped_labels.employer_key is null
                    and tech_hiring_employers.employer_key is not null
                    then 'software_development'
            end
        ) as industry_id,
        coalesce(
            stated_industries.evidence,
            known_company_industries.evidence,
            self_description_industries.evidence,
            text_evidence_industries.evidence,
            name_cue_industries.evidence,
            weak_only_industries.evidence,
            unmapped_labels.evidence,
            tech_hiring_employers.evidence
        ) as evidence,
        case
            when stated_industries.employer_key is not null then stated_industries.confidence
            when known_company_industries.employer_key is not null then 0.95
            when self_description_industries.employer_key is not null then 0.7
            when text_evidence_industries.employer_key is not null
                then text_evidence_industries.confidence
            when name_cue_industries.employer_key is not null then 0.5
            when weak_only_industries.employer_key is not null then 0.4
            when unmapped_labels.employer_key is not null then null
            when tech_hiring_employers.employer_key is not null then 0.3
        end as confidence

    from employers
    left join stated_industries
        on employers.employer_key = stated_industries.employer_key
    left join known_company_industries
        on employers.employer_key = known_company_industries.employer_key
    left join self_description_decisions as self_description_industries
        on employers.employer_key = self_description_industries.employer_key
    left join text_evidence_industries
        on employers.employer_key = text_evidence_industries.employer_key
    left join name_cue_industries
        on employers.employer_key = name_cue_industries.employer_key
    left join weak_only_industries
        on employers.employer_key = weak_only_industries.employer_key
    left join unmapped_labels
        on employers.employer_key = unmapped_labels.employer_key
    left join tech_hiring_employers
        on employers.employer_key = tech_hiring_employers.employer_key

),

final as (

    select
        posting_companies.posting_id,
        posting_companies.latest_posting_version_id as posting_version_id,
        posting_companies.company_key,
        employer_decisions.industry_id,
        industries.industry_name,
        employer_decisions.method,
        employer_decisions.evidence,
        cast(employer_decisions.confidence as double) as confidence,
        coalesce(industries.industry_bucket, 'unknown') as industry_bucket

    from posting_companies
    inner join employer_decisions
        on posting_companies.employer_key = employer_decisions.employer_key
    left join industries
        on employer_decisions.industry_id = industries.industry_id

)

select * from final
