-- The industry text signals found where the employer describes itself: in a clause that starts
-- with "we are ...", "we build ...", "we've built ..." or "<Company> is ...", "<Company> builds
-- ..." (the name as the company key), and stops before the words that turn to customers or
-- purpose ("... that helps banks", "... used by insurers", "... to help hospitals"); "for" is
-- kept with the word before it ("software for", "AI for") and what follows is dropped. So "N26
-- has reimagined banking for today's world; we are building the global banking platform" gives
-- "banking platform", "SentiLink protects banks" gives nothing. One row per posting version and
-- signal, with how many of its clauses name it; int_posting_self_descriptions_matched keeps each
-- posting's latest version, and fct_posting_industries weighs these above the same words
-- elsewhere in the text.
--
-- Clauses are compared in a plain form, lowercased with every run of characters other than
-- a-z and 0-9 made one space (the signals' terms likewise), so "we're" reads "we re" and
-- "AI-native" reads "ai native". The company's name is first replaced by a placeholder token, so
-- that the patterns stay constant whatever the name.
--
-- Incremental, like int_posting_version_terms_matched: a version's description and company name
-- never change once loaded, so a nightly build matches only the versions loaded since the last
-- build (at or after the largest `loaded_at` already here; those at the watermark are matched
-- again and replace their rows). Every version is matched, not only each posting's latest, so a
-- posting whose content flips back to an older version finds that version's rows here. A version
-- with no signal leaves no row, so the watermark is the load time of the newest version that had
-- one: the few loaded after it that had none are matched again, and give nothing again. A changed
-- rule, macro or seed rebuilds everything (warehouse.pipeline.project_fingerprint).
{{ config(
    materialized='incremental',
    unique_key='posting_version_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
) }}
{%- set watermark = incremental_watermark('loaded_at') %}

with

posting_versions as (

    select * from {{ ref('stg_raw__posting_versions') }}
    {%- if watermark is not none %}
        where loaded_at >= {{ watermark }}
    {%- endif %}

),

industry_text_signals as (

    select * from {{ ref('industry_text_signals') }}

),

descriptions as (

    select
        posting_version_id,
        posting_id,
        loaded_at,
        -- The first 20,000 characters: where an employer says what it is, and a bound on the
        -- work (and memory) a hostile, endless description can take.
        left(description_text, 20000) as description_text,
        {{ company_key('company_name') }} as company_key

    from posting_versions
    where description_text is not null

),

sentences_normalised as (

    -- Sentences, and the fields of a one-line header ("Acme | Engineer | Remote | acme.com").
    select
        descriptions.posting_version_id,
        descriptions.posting_id,
        descriptions.loaded_at,
        replace(
            ' ' || trim(regexp_replace(lower(parts.sentence), '[^a-z0-9]+', ' ', 'g')) || ' ',
            ' ' || coalesce(descriptions.company_key, '_') || ' ',
            ' zzemployerzz '
        ) as sentence

    from descriptions,
        unnest(
            regexp_split_to_array(descriptions.description_text, '[.!?;]\s+|[|\n\r•]+')
        ) as parts (sentence)

),

clauses_started as (

    -- From the first self-describing anchor to the end of the sentence.
    select
        posting_version_id,
        posting_id,
        loaded_at,
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
        posting_version_id,
        posting_id,
        loaded_at,
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
        clauses_cut.posting_version_id,
        clauses_cut.posting_id,
        clauses_cut.loaded_at,
        signals_normalised.signal_id,
        count(*) as clause_count

    from clauses_cut
    inner join signals_normalised
        on contains(clauses_cut.clause, signals_normalised.term_form)
    group by
        clauses_cut.posting_version_id,
        clauses_cut.posting_id,
        clauses_cut.loaded_at,
        signals_normalised.signal_id

)

select * from signals_in_clauses
