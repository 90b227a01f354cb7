"""The reliability suite's shared bad week, and the table of what it tried, printed at the end.

Tests add one row per fault or hostile record (:func:`outcome`) and the ledger's counts
(:data:`LEDGER`); ``pytest_terminal_summary`` prints them after the run, so ``make test`` shows
which faults were tried and what became of each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.reliability.scenario import BadWeek, play_bad_week


@dataclass
class Row:
    area: str
    case: str
    source: str
    expected: str
    observed: str
    ok: bool


ROWS: list[Row] = []
#: Counts for the issue's note; tests fill them in.
LEDGER: dict[str, int] = {}
#: Seconds each step of the bad week took.
TIMINGS: dict[str, float] = {}


def outcome(area: str, case: str, source: str, expected: str, observed: str, ok: bool) -> None:
    """Add one row to the table printed at the end of the run."""
    ROWS.append(Row(area, case, source, expected, observed, ok))


@pytest.fixture(scope="session")
def bad_week(tmp_path_factory: pytest.TempPathFactory) -> BadWeek:
    """The three nights of :mod:`tests.reliability.scenario`, played once per session."""
    week = play_bad_week(tmp_path_factory.mktemp("bad-week"))
    TIMINGS.update(
        {
            "killed crawl": week.killed.killed_after_seconds,
            "load after it": week.killed.load.seconds,
            "good night": week.good_night.seconds,
            "bad night": week.bad_night.seconds,
        }
    )
    return week


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not ROWS and not LEDGER:
        return
    write = terminalreporter.write_line
    terminalreporter.section("reliability: faults and hostile records tried")
    widths = [
        max(len(getattr(row, name)) for row in ROWS) if ROWS else 0
        for name in ("area", "case", "source")
    ]
    widths = [
        max(width, len(title))
        for width, title in zip(widths, ("area", "case", "source"), strict=True)
    ]
    write(
        f"{'area':<{widths[0]}}  {'case':<{widths[1]}}  {'source':<{widths[2]}}  "
        f"{'ok':<4}  expected -> observed"
    )
    for row in ROWS:
        write(
            f"{row.area:<{widths[0]}}  {row.case:<{widths[1]}}  {row.source:<{widths[2]}}  "
            f"{'yes' if row.ok else 'NO':<4}  {row.expected} -> {row.observed}"
        )
    faults = [row for row in ROWS if row.area == "fault"]
    records = [row for row in ROWS if row.area == "record"]
    write("")
    write(
        f"faults survived: {sum(row.ok for row in faults)} of {len(faults)}; "
        f"bad records tried: {len(records)} ({sum(row.ok for row in records)} handled as "
        "expected); " + "; ".join(f"{name}: {value}" for name, value in LEDGER.items())
    )
    if TIMINGS:
        write(
            "the bad week took: "
            + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in TIMINGS.items())
        )
