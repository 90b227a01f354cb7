"""A nightly with one source failing in each way: retried within limits, marked, nothing lost.

The bad night of :mod:`tests.reliability.scenario` serves every source of the bundled recording
beside one source per fault of :data:`~tests.reliability.scenario.ALL_FAULTS`; the night before,
every one of them was healthy. Retries: 2 (3 tries), backoff 0.1 s doubled, download timeout
3 s, DOWNLOAD_MAXSIZE 16 MB. Robots.txt is covered in tests/scrapers/test_runner.py;
credential masking in tests/scrapers/test_redact.py (here: no configured secret reaches the
output, the landing files or the warehouse of a whole nightly).
"""

from __future__ import annotations

import re
from itertools import pairwise

import pytest

from tests.reliability.conftest import outcome
from tests.reliability.scenario import (
    ALL_FAULTS,
    SECRETS,
    SLOWPOKE_KEY,
    FaultCase,
    query,
    recording_sources,
    rows_of,
)

pytestmark = pytest.mark.slow


def last_run(tables, source_key: str) -> tuple:
    runs = rows_of(tables["runs"], source_key, column=1)
    assert runs, f"no run of {source_key}"
    return runs[-1]


def short_reason(summary: str, reason: str | None) -> str:
    """The part of the error summary that says why, for the table."""
    if not summary:
        return "no error"
    line = next(
        (line for line in summary.splitlines() if reason and reason in line),
        summary.splitlines()[0],
    )
    line = re.sub(r"https?://127\.0\.0\.1:\d+", "", line.split(": ", 1)[-1])
    return line[:90]


@pytest.mark.parametrize("case", ALL_FAULTS, ids=lambda case: case.name)
def test_the_source_retries_within_its_limits_and_is_marked_with_the_reason(bad_week, case):
    night = bad_week.bad_night
    _, _, status, postings, errors, summary, _ = last_run(night.tables, case.source_key)
    requests = night.hits.get(case.path, 0)
    low, high = case.requests
    reason_ok = (case.reason in (summary or "")) if case.reason else (errors == 0 and not summary)
    ok = status == case.status and low <= requests <= high and reason_ok
    outcome(
        "fault",
        case.what,
        case.source_key,
        f"{case.status}, {low if low == high else f'{low}-{high}'} request(s)",
        f"{status}, {requests} request(s), {postings} postings: "
        f"{short_reason(summary, case.reason)}",
        ok,
    )

    assert status == case.status, summary
    assert low <= requests <= high
    if case.reason:
        assert case.source_key in summary
        assert case.reason in summary
    else:
        assert (errors, summary) == (0, None)


@pytest.mark.parametrize("case", ALL_FAULTS, ids=lambda case: case.name)
def test_nothing_the_warehouse_had_of_the_source_is_lost_or_closed(bad_week, case: FaultCase):
    good, bad = bad_week.good_night.tables, bad_week.bad_night.tables
    before = rows_of(good["dim_postings"], case.source_key, column=1)
    after = rows_of(bad["dim_postings"], case.source_key, column=1)

    assert before, "the source had postings after the good night"
    assert [row[0] for row in after] == [row[0] for row in before]  # none lost
    assert all(row[4] for row in after), "a posting was closed"  # none closed
    assert all(row[6] is None for row in after)
    if case.status == "failed":  # a failed run adds nothing and changes nothing
        assert rows_of(bad["versions"], case.source_key) == rows_of(
            good["versions"], case.source_key
        )
        assert rows_of(bad["sightings"], case.source_key, column=1) == rows_of(
            good["sightings"], case.source_key, column=1
        )
        assert after == before


def test_retries_wait_as_the_server_asks_and_back_off_after_errors(bad_week):
    times = bad_week.bad_night.times
    retry_after = times["/v1/boards/f429-recovers/jobs"]
    gaps_429 = [later - earlier for earlier, later in pairwise(retry_after)]
    dropped = times["/posting-api/job-board/fdrop"]
    gaps_drop = [later - earlier for earlier, later in pairwise(dropped)]
    ok = all(gap >= 0.95 for gap in gaps_429) and gaps_drop[0] >= 0.09 and gaps_drop[1] >= 0.19
    outcome(
        "night",
        "waits between tries",
        "f429-recovers / fdrop",
        "Retry-After 1 s honoured; backoff 0.1 s, 0.2 s after a dropped connection",
        "gaps "
        + ", ".join(f"{gap:.2f}" for gap in gaps_429)
        + " s / "
        + ", ".join(f"{gap:.2f}" for gap in gaps_drop)
        + " s",
        ok,
    )

    assert all(gap >= 0.95 for gap in gaps_429), gaps_429
    assert gaps_drop[0] >= 0.09, gaps_drop  # RETRY_BACKOFF_BASE
    assert gaps_drop[1] >= 0.19, gaps_drop  # doubled


def test_every_healthy_source_loads_in_full_beside_the_failing_ones(bad_week):
    """Every source of the bundled recording ends as on the good night, with all its postings
    (a recorded source that is partial by itself stays so; none is harmed by the faults)."""
    good, bad = bad_week.good_night.tables, bad_week.bad_night.tables
    keys = sorted(
        {row[1] for row in good["runs"]}
        - {case.source_key for case in ALL_FAULTS}
        - {case.source_key for case in bad_week.hostile.cases}
        - {SLOWPOKE_KEY}
    )
    assert len(keys) == len(recording_sources())
    differences, postings = [], 0
    for source_key in keys:
        _, _, status, count, errors, _, _ = last_run(bad, source_key)
        before = last_run(good, source_key)
        after_ids = [row[0] for row in rows_of(bad["dim_postings"], source_key, column=1)]
        before_ids = [row[0] for row in rows_of(good["dim_postings"], source_key, column=1)]
        active = all(row[4] for row in rows_of(bad["dim_postings"], source_key, column=1))
        postings += count
        if (
            (status, count, errors) != before[2:5]
            or count == 0
            or after_ids != before_ids
            or len(after_ids) != count
            or not active
        ):
            differences.append(
                f"{source_key}: {status}, {count} postings (good night: {before[2]}, {before[3]})"
            )
    outcome(
        "night",
        "healthy sources beside the faults",
        f"the {len(keys)} recorded sources",
        "succeeded, all postings, none closed",
        f"{len(keys) - len(differences)} as on the good night, {postings} postings",
        not differences,
    )

    assert differences == []


def test_the_exit_code_and_summary_say_what_happened(bad_week):
    night = bad_week.bad_night
    summary_lines = night.output.splitlines()
    assert night.exit_code == 0, night.output[-3000:]  # healthy sources loaded and built
    for case in ALL_FAULTS:
        [line] = [line for line in summary_lines if line.startswith(f"{case.source_key} ")]
        assert case.status in line
        if case.status != "succeeded":
            following = summary_lines[summary_lines.index(line) + 1]
            assert following.strip().startswith("->"), following
            assert case.source_key in following
    [total] = [line for line in summary_lines if line.startswith("total ")]
    failed = sum(case.status == "failed" for case in ALL_FAULTS)
    assert f"{failed} failed" in total
    assert "partial" in total
    outcome(
        "night",
        "exit code and summary",
        "postings nightly",
        "exit 0; one line per source",
        f"exit {night.exit_code}; {total.split('(')[-1].rstrip(')')}",
        True,
    )


def test_no_configured_secret_reaches_output_landing_files_or_warehouse(bad_week):
    """Credentials are set in the environment all week; none may be written anywhere."""
    leaks = []
    for name, secret in SECRETS.items():
        for night in (bad_week.killed.load, bad_week.good_night, bad_week.bad_night):
            if secret in night.output:
                leaks.append(f"{name} in the output")
        for path in (bad_week.data_dir / "landing").rglob("*"):
            if path.is_file() and secret.encode() in path.read_bytes():
                leaks.append(f"{name} in {path.name}")
        [(count,)] = query(
            bad_week.db,
            """
            select count(*) from raw.crawl_runs
            where contains(coalesce(error_summary, ''), $s)
                or contains(cast(counters as varchar), $s)
        """,
            {"s": secret},
        )
        [(versions,)] = query(
            bad_week.db,
            "select count(*) from raw.posting_versions where contains(payload, $s)",
            {"s": secret},
        )
        if count or versions:
            leaks.append(f"{name} in the warehouse")
    outcome(
        "night",
        "credentials in the environment",
        "every source",
        "in no output, landing file or table",
        ", ".join(leaks) or "nowhere",
        not leaks,
    )

    assert leaks == []
