"""Tiered schedules and backoff (``scrapers.schedule``), and the nightly's use of them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from scrapers.schedule import (
    Schedule,
    ScheduleError,
    SourceHistory,
    backoff_nights,
    decide,
    parse_schedule,
)
from scrapers.sources import SourceConfigError, parse_entry

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, Schedule(1)),
        ("nightly", Schedule(1)),
        ("weekly", Schedule(7)),
        ("every 3 nights", Schedule(3)),
        ("Every 1 night", Schedule(1)),
        (2, Schedule(2)),
        ("14", Schedule(14)),
        ("auto", Schedule(auto=True)),
    ],
)
def test_schedules_are_read_as_written(value, expected):
    assert parse_schedule(value) == expected


@pytest.mark.parametrize("value", ["hourly", 0, "every 0 nights", True, "-1"])
def test_a_schedule_that_means_nothing_is_refused_naming_the_entry(value):
    with pytest.raises(ScheduleError):
        parse_schedule(value)
    with pytest.raises(SourceConfigError, match=r"source #4 \(greenhouse:acme\): schedule"):
        parse_entry({"kind": "greenhouse", "board": "acme", "schedule": value}, 4)


def test_nightly_sources_are_due_at_every_run():
    history = SourceHistory(last_crawled_at=days_ago(0.01), last_changed_at=days_ago(10))
    assert decide("a", Schedule(1), history, NOW).due


def test_a_weekly_source_waits_a_week_with_a_few_hours_of_slack():
    crawled = SourceHistory(last_crawled_at=days_ago(3), last_changed_at=days_ago(3))
    waiting = decide("a", Schedule(7), crawled, NOW)
    assert not waiting.due
    assert waiting.reason == "weekly: last crawled 2026-12-04, next 2026-12-10"
    # Started an hour earlier than the night a week ago: still a week.
    assert decide("a", Schedule(7), SourceHistory(last_crawled_at=days_ago(6.96)), NOW).due


def test_a_source_never_crawled_is_due_whatever_its_schedule():
    decision = decide("a", Schedule(7), SourceHistory(), NOW)
    assert decision.due
    assert "never crawled" in decision.reason


def test_auto_promotes_a_board_that_changed_and_demotes_one_unchanged_for_a_month():
    recent = SourceHistory(last_crawled_at=days_ago(1), last_changed_at=days_ago(2))
    middle = SourceHistory(last_crawled_at=days_ago(1), last_changed_at=days_ago(12))
    stale = SourceHistory(last_crawled_at=days_ago(3), last_changed_at=days_ago(45))

    assert decide("a", Schedule(auto=True), recent, NOW).due
    assert decide("a", Schedule(auto=True), recent, NOW).interval_nights == 1
    assert decide("a", Schedule(auto=True), middle, NOW).interval_nights == 3
    assert not decide("a", Schedule(auto=True), middle, NOW).due
    stale_decision = decide("a", Schedule(auto=True), stale, NOW)
    assert (stale_decision.due, stale_decision.interval_nights) == (False, 7)
    assert "unchanged for 45 days" in stale_decision.reason


def test_failures_back_off_exponentially_and_are_always_retried():
    assert [backoff_nights(n) for n in range(8)] == [0, 0, 1, 2, 4, 8, 16, 16]
    failing = SourceHistory(last_crawled_at=days_ago(1), failures_in_a_row=4)
    decision = decide("a", Schedule(1), failing, NOW)
    assert not decision.due
    assert decision.reason.startswith("backing off after 4 failed runs in a row")
    # Never dropped: after its backoff it is tried again.
    assert decide("a", Schedule(1), SourceHistory(days_ago(4), 4), NOW).due
    assert decide("a", Schedule(1), SourceHistory(days_ago(16), 30), NOW).due
    # One failure is retried the next run.
    assert decide("a", Schedule(1), SourceHistory(days_ago(0.1), 1), NOW).due


def test_the_nightly_crawls_only_what_is_due_and_records_why(tmp_path):
    """History from a warehouse: a weekly board crawled 2 days ago waits, the rest go."""
    from scrapers.sources import SourceEntry
    from warehouse.schedule import plan, record
    from warehouse.schema import create_raw_schema

    database = tmp_path / "warehouse.duckdb"
    create_raw_schema(str(database))
    with duckdb.connect(str(database)) as connection:
        for run_id, key, started, status in [
            ("r1", "greenhouse:weekly", days_ago(2), "succeeded"),
            ("r2", "greenhouse:failing", days_ago(1), "failed"),
            ("r3", "greenhouse:failing", days_ago(2), "failed"),
            ("r4", "greenhouse:failing", days_ago(3), "failed"),
            ("r5", "greenhouse:failing", days_ago(4), "succeeded"),
        ]:
            connection.execute(
                "insert into raw.crawl_runs (crawl_run_id, source_key, source_kind, started_at, "
                "status, requests, postings, errors, _loaded_at) "
                "values (?, ?, 'greenhouse', ?, ?, 1, 0, 0, now())",
                [run_id, key, started, status],
            )
    entries = [
        SourceEntry("greenhouse", "greenhouse:weekly", {"schedule": "weekly"}),
        SourceEntry("greenhouse", "greenhouse:failing", {}),
        SourceEntry("greenhouse", "greenhouse:new", {"schedule": "weekly"}),
    ]

    decisions = plan(database, entries, NOW)
    record(database, decisions, NOW)

    assert [(d.source_key, d.due) for d in decisions] == [
        ("greenhouse:weekly", False),
        ("greenhouse:failing", False),
        ("greenhouse:new", True),
    ]
    assert "backing off after 3 failed runs" in decisions[1].reason
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(
            "select source_key, is_due, schedule from raw.schedule_decisions order by source_key"
        ).fetchall()
    assert rows == [
        ("greenhouse:failing", False, "nightly"),
        ("greenhouse:new", True, "weekly"),
        ("greenhouse:weekly", False, "weekly"),
    ]
