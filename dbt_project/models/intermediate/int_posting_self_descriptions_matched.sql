-- The industry text signals found where the employer describes itself: in a clause that starts
-- with "we are ...", "we build ...", "we've built ..." or "<Company> is ...", "<Company> builds
-- ..." (the name as the company key), and stops before the words that turn to customers or
-- purpose ("... that helps banks", "... used by insurers", "... to help hospitals"); "for" is
-- kept with the word before it ("software for", "AI for") and what follows is dropped. So "N26
-- has reimagined banking for today's world; we are building the global banking platform" gives
-- "banking platform", "SentiLink protects banks" gives nothing. One row per posting (its latest
-- version) and signal, with how many of its clauses name it; fct_posting_industries weighs these
-- above the same words elsewhere in the text.
--
-- Clauses are compared in a plain form, lowercased with every run of characters other than
-- a-z and 0-9 made one space (the signals' terms likewise), so "we're" reads "we re" and
-- "AI-native" reads "ai native". The company's name is first replaced by a placeholder token, so
-- that the patterns stay constant whatever the name.
with

postings_lifecycle as (

    select * from {{ ref('int_sightings_aggregated_to_postings') }}

),

posting_versions as (

    select * from {{ ref('stg_raw__posting_versions') }}

),

industry_text_signals as (

    select * from {{ ref('industry_text_signals') }}

),

latest_descriptions as (

    select
        postings_lifecycle.posting_id,
        -- The first 20,000 characters: where an employer says what it is, and a bound on the
        -- work (and memory) a hostile, endless description can take.
        left(posting_versions.description_text, 20000) as description_text,
        {{ company_key('posting_versions.company_name') }} as company_key

    from postings_lifecycle
    inner join posting_versions
        on postings_lifecycle.latest_posting_version_id = posting_versions.posting_version_id
    where posting_versions.description_text is not null

),

sentences_normalised as (

    -- Sentences, and the fields of a one-line header ("Acme | Engineer | Remote | acme.com").
    select
        latest_descriptions.posting_id,
        replace(
            ' ' || trim(regexp_replace(lower(parts.sentence), '[^a-z0-9]+', ' ', 'g')) || ' ',
            ' ' || coalesce(latest_descriptions.company_key, '_') || ' ',
            ' zzemployerzz '
        ) as sentence

    from latest_descriptions,
        unnest(
            regexp_split_to_array(latest_descriptions.description_text, '[.!?;]\s+|[|\n\r•]+')
        ) as parts (sentence)

),

clauses_started as (

    -- From the first self-describing anchor to the end of the sentence.
    select
        posting_id,
        regexp_extract(
            sentence,
            ' (we (are|re|ve built|have built|build|develop|make|create|design|sell|operate)'
            || '|zzemployerzz (is|are|was|builds|develops|makes|creates|designs|sells|operates'
            || '|has built|has reimagined)) .*'
        ) as clause

    from sentences_normalised
    where regexp_matches(sentence, ' (we|zzemployerzz) ')

),

clauses_cut as (

    -- Cut before the words that turn to customers, purpose or hiring; keep "for" and the word
    -- before it.
    select
        posting_id,
        regexp_replace(
            regexp_replace(
                clause,
                ' (to|that|which|who|whose|where|when|while|helping|serving|used|trusted|powering'
                || '|enabling|like|including|such|with|customers|clients|partners) .*$',
                ' '
            ),
            ' for .*$',
            ' for '
        ) as clause

    from clauses_started
    where
        clause != ''
        -- "we are hiring", "we're looking for", "Acme is an equal opportunity employer"
        and not regexp_matches(
            clause,
            '^ (we|zzemployerzz) (are|re|is) (not |also |currently |actively )?(hiring|looking'
            || '|seeking|searching|excited|proud|committed|an equal|based|headquartered|located'
            || '|backed|funded|growing|remote|open|happy|glad|thrilled|here|on|in|at|always)'
        )

),

signals_normalised as (

    select
        signal_id,
        ' ' || trim(regexp_replace(lower(term), '[^a-z0-9]+', ' ', 'g')) || ' ' as term_form

    from industry_text_signals

),

signals_in_clauses as (

    select
        clauses_cut.posting_id,
        signals_normalised.signal_id,
        count(*) as clause_count

    from clauses_cut
    inner join signals_normalised
        on contains(clauses_cut.clause, signals_normalised.term_form)
    group by clauses_cut.posting_id, signals_normalised.signal_id

)

select * from signals_in_clauses
