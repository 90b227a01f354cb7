"""Hostile and broken records: each is stored verbatim (or repaired, with the problem recorded),
stored but named as no posting by its parser, or rejected with a message naming the source and
the record; none crashes a spider, the loader or dbt.

The corpus (:mod:`tests.reliability.hostile`, SYNTHETIC copies of real fixtures) is crawled,
loaded and built on the good night of :mod:`tests.reliability.scenario`, beside the real records
of the same pages; the checks read the warehouse at the end of the week.
"""

from __future__ import annotations

import json

import pytest

from tests.reliability.conftest import outcome
from tests.reliability.hostile import SCRIPT_TITLE, SQL_TITLE, HostileCase, case_ids
from tests.reliability.scenario import query, rows_of

pytestmark = pytest.mark.slow


def run_of(bad_week, source_key: str) -> tuple:
    return rows_of(bad_week.good_night.tables["runs"], source_key, column=1)[-1]


def stored(bad_week, case: HostileCase) -> list[tuple]:
    """The record as raw keeps it, with what the parser made of it and whether it is a posting."""
    return query(
        bad_week.db,
        """
        select postings.title, raw.payload, parsed.parse_error, postings.posting_version_id
        from raw.posting_versions as raw
        left join staging.stg_raw__posting_versions_parsed as parsed
            on raw.source_key = parsed.source_key
            and raw.source_posting_id = parsed.source_posting_id
            and raw.content_hash = parsed.content_hash
        left join staging.stg_raw__posting_versions as postings
            on parsed.posting_version_id = postings.posting_version_id
        where raw.source_key = $key and raw.source_posting_id = $id
    """,
        {"key": case.source_key, "id": case.record_id},
    )


@pytest.mark.parametrize("case_id", case_ids())
def test_a_bad_record_is_stored_safely_or_rejected_by_name(bad_week, case_id):
    [case] = [c for c in bad_week.hostile.cases if f"{c.kind}-{c.case}" == case_id]
    _, _, _, _, _, summary, counters_text = run_of(bad_week, case.source_key)
    summary = summary or ""
    counters = json.loads(counters_text or "{}")
    rows = stored(bad_week, case)
    named = case.named or case.record_id
    message_lines = [
        line
        for line in summary.splitlines()
        if case.source_key in line and named in line and (case.message or "") in line
    ]
    crashed = [key for key in counters if key.startswith("spider_exceptions/")]

    if case.outcome == "stored":
        ok = (
            len(rows) == 1
            and rows[0][0] == case.title
            and rows[0][1] == case.payload
            and (case.description_length is None or len(rows[0][1]) > case.description_length)
        )
        observed = (
            "stored verbatim" if ok else f"stored as {rows[0][0]!r:.60}" if rows else "not stored"
        )
    elif case.outcome == "unparsed":
        error = rows[0][2] if rows else None
        named_by_parser = bool(
            error and case.source_key in error and named in error and case.message in error
        )
        ok = len(rows) == 1 and rows[0][1] == case.payload and rows[0][3] is None
        ok = ok and named_by_parser
        observed = (
            ("kept, no posting, parse error named" if named_by_parser else f"parse error {error!r}")
            if ok or rows
            else "not stored"
        )
    else:
        ok = not rows
        observed = "rejected" if ok else "stored"
    if case.counter:
        ok = ok and counters.get(case.counter, 0) >= 1 and bool(message_lines)
        observed += (
            f", {case.counter.split('/', 1)[1]} counted and named"
            if message_lines
            else f", NOT named in the summary ({case.counter})"
        )
    ok = ok and not crashed
    outcome(
        "record",
        f"{case.kind}: {case.case}",
        case.source_key,
        case.outcome + (" + recorded" if case.counter else ""),
        observed,
        ok,
    )

    assert not crashed, crashed
    if case.outcome in ("stored", "unparsed"):
        [(title, payload, parse_error, posting_version_id)] = rows
        payload_verbatim = payload == case.payload  # not compared by pytest: it may be 10 MB
        assert payload_verbatim, f"payload differs: {payload[:200]!r}"
        if case.description_length is not None:
            assert len(payload) > case.description_length  # the description is stored whole
    if case.outcome == "stored":
        assert (title, parse_error) == (case.title, None)
    elif case.outcome == "unparsed":
        assert posting_version_id is None  # not a posting: in no staging model, in no mart
        assert parse_error is not None
        assert case.source_key in parse_error
        assert named in parse_error
        assert case.message in parse_error
    else:
        assert rows == []
    if case.counter:
        assert counters.get(case.counter, 0) >= 1
        assert message_lines, summary


def test_the_real_records_beside_the_bad_ones_are_all_stored(bad_week):
    missing = []
    for source_key, ids in bad_week.hostile.real_ids.items():
        stored_ids = {row[1] for row in rows_of(bad_week.good_night.tables["versions"], source_key)}
        missing += [
            f"{source_key}:{posting_id}" for posting_id in ids if posting_id not in stored_ids
        ]
    deep_keys = {case.source_key for case in bad_week.hostile.cases if case.case == "deep_page"}
    deep = [run_of(bad_week, key) for key in sorted(deep_keys)]
    outcome(
        "text",
        "real records on the hostile pages",
        "every hostile source",
        "all stored",
        f"{len(missing)} missing",
        not missing,
    )

    assert missing == []
    assert all(run[2] == "failed" for run in deep)  # a page that cannot be parsed fails its run


def test_hostile_text_reaches_the_marts_verbatim_and_harms_nothing(bad_week):
    titles = {row[0] for row in query(bad_week.db, "select title from marts.dim_postings")}
    [(sightings,)] = query(bad_week.db, "select count(*) from raw.sightings")
    [(scripts,)] = query(
        bad_week.db,
        """
        select count(*) from raw.posting_versions
        where contains(payload, '<script>alert(''owned'')</script>')
           or contains(payload, '&lt;script&gt;alert(&#x27;owned&#x27;)&lt;/script&gt;')
    """,
    )
    [(leaked,)] = query(
        bad_week.db,
        """
        select count(*) from marts.dim_postings
        where source_key like '%:hostile' and contains(description_text, 'alert(''owned'')')
    """,
    )
    ok = SQL_TITLE in titles and SCRIPT_TITLE in titles and sightings > 0 and scripts >= 4
    outcome(
        "text",
        "SQL and <script> text end to end",
        "marts.dim_postings",
        "titles verbatim; raw.sightings intact; <script> kept in raw, not in description_text",
        f"titles {'verbatim' if ok else 'CHANGED'}; {sightings} sightings; "
        f"{scripts} raw descriptions keep it; {leaked} description_text carry it",
        ok,
    )

    assert SQL_TITLE in titles
    assert SCRIPT_TITLE in titles
    assert sightings > 0
    assert scripts >= 4  # the description as published, in raw
    assert leaked == 0  # the plain text drops script elements


def test_unreadable_dates_are_kept_as_text_and_flagged_by_dbt(bad_week):
    rows = query(
        bad_week.db,
        """
        select parsed.source_key, parsed.posted_at, marts.posted_at
        from staging.stg_raw__posting_versions_parsed as parsed
        inner join marts.dim_postings as marts
            on marts.latest_posting_version_id = parsed.posting_version_id
        where parsed.source_posting_id = 'hostile-invalid_dates'
    """,
    )
    output = bad_week.good_night.output
    flagged = "assert_published_dates_are_readable" in output and "WARN" in output
    ok = (
        len(rows) == 5
        and all(published == "not a date" and typed is None for _, published, typed in rows)
        and flagged
    )
    assert bad_week.good_night.exit_code == 0, bad_week.good_night.output[-3000:]
    outcome(
        "text",
        "unreadable dates, every kind",
        "raw -> marts",
        "text as parsed kept, null in marts, dbt warns",
        f"{len(rows)} kept; dbt warned: {flagged}",
        ok,
    )

    assert len(rows) == 5
    assert all(published == "not a date" and typed is None for _, published, typed in rows)
    assert flagged
