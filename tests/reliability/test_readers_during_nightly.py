"""Analysts read the warehouse while the nightly runs: they never fail, never see half a build,
and never make the nightly fail.

During the bad night of :mod:`tests.reliability.scenario` two reader processes query the marts
in a loop with read-only connections: one opens a connection anew for every query, the other
holds one open across the whole nightly. Each query reads ``count(*)`` of
``marts.dim_postings``, the sum of ``new_posting_count`` of ``marts.fct_crawl_runs`` (equal to
it in any one complete build) and the count of runs; only the values of the two complete builds
may ever be seen.
"""

from __future__ import annotations

import pytest

from tests.reliability.conftest import outcome

pytestmark = pytest.mark.slow


def test_a_reader_in_a_loop_never_fails_nor_sees_half_a_build(bad_week):
    reader = bad_week.reader["fresh"]
    good = "{}/{}".format(*bad_week.good_night.tables["reader_values"])
    bad = "{}/{}".format(*bad_week.bad_night.tables["reader_values"])
    seen = reader.get("seen", {})
    ok = (
        reader["error_count"] == 0
        and reader.get("torn") == 0
        and set(seen) == {good, bad}
        and bad_week.bad_night.exit_code == 0
    )
    outcome(
        "readers",
        "reader process querying marts during the nightly",
        "marts.dim_postings",
        f"no error; only {good} (before) and {bad} (after) postings/runs",
        f"{reader.get('reads')} reads, {reader['error_count']} errors, "
        f"{reader.get('torn')} torn, saw {seen}",
        ok,
    )

    assert reader["returncode"] == 0
    assert reader["error_count"] == 0, reader["errors"]
    assert reader["torn"] == 0
    assert good != bad
    assert set(seen) == {good, bad}  # the old build, then the new one, and nothing in between
    assert bad_week.bad_night.exit_code == 0


def test_a_connection_held_open_keeps_its_snapshot_and_does_not_block_the_nightly(bad_week):
    reader = bad_week.reader["held"]
    good = "{}/{}".format(*bad_week.good_night.tables["reader_values"])
    held = reader.get("seen", {})
    ok = (
        reader["error_count"] == 0
        and reader.get("torn") == 0
        and set(held) == {good}
        and bad_week.bad_night.exit_code == 0
    )
    outcome(
        "readers",
        "connection held open across the nightly",
        "marts.dim_postings",
        f"sees {good} throughout; nightly exit 0",
        f"saw {held}; nightly exit {bad_week.bad_night.exit_code}",
        ok,
    )

    assert reader["error_count"] == 0, reader["errors"]
    assert reader["torn"] == 0
    assert set(held) == {good}
    assert bad_week.bad_night.exit_code == 0
