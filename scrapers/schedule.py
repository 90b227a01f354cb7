"""Which sources a night crawls: each entry's ``schedule``, its history, and backoff on failure.

Ten thousand boards do not fit one night at a polite pace, and most of them do not change from
one night to the next. Each source entry may say how often it is crawled:

* ``schedule: nightly`` (the default): every run of the nightly job;
* ``schedule: weekly``, ``schedule: every 3 nights`` (or ``schedule: 3``): when that many
  nights have passed since its last crawl;
* ``schedule: auto``: nightly while the board changed in the last week (or has never been
  crawled), weekly once it has been unchanged for a month, every 3 nights in between.

A source whose last runs failed backs off, whatever its schedule: after 2 failures in a row it
waits 1 night, then 2, 4, 8, and at most 16, and is then tried again: a failing board is never
dropped silently, and ``source_health`` says why it was not crawled. A source that is not
crawled tonight has no run, so it closes none of its postings (only a ``succeeded`` run does).

The decision is a pure function of the entry and its history, so that it is tested without a
warehouse; ``warehouse.schedule`` reads the history and records every decision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

#: Nights (as hours) are measured with this much slack, so that a nightly job started a little
#: earlier than the night before still counts a full night.
SLACK = timedelta(hours=4)
#: ``auto``: a board that changed within this many days is crawled every night...
AUTO_RECENT_DAYS = 7
#: ...one unchanged for this many days is crawled weekly, and the rest every 3 nights.
AUTO_STALE_DAYS = 30
AUTO_MIDDLE_NIGHTS = 3
#: Backoff after failures in a row: 2 failures wait 1 night, 3 wait 2, ... at most this many.
MAX_BACKOFF_NIGHTS = 16

_EVERY = re.compile(r"^\s*every\s+(\d+)\s+nights?\s*$", re.IGNORECASE)


class ScheduleError(ValueError):
    """An entry's ``schedule`` is not one this module knows; the message says what is."""


@dataclass(frozen=True)
class Schedule:
    """A parsed ``schedule``: every ``nights`` nights, or ``auto``."""

    nights: int = 1
    auto: bool = False

    def __str__(self) -> str:
        if self.auto:
            return "auto"
        if self.nights == 1:
            return "nightly"
        return "weekly" if self.nights == 7 else f"every {self.nights} nights"


def parse_schedule(value: Any) -> Schedule:
    """``nightly`` / ``weekly`` / ``every N nights`` / ``N`` / ``auto`` as a :class:`Schedule`."""
    if value is None:
        return Schedule()
    if isinstance(value, bool):
        raise ScheduleError(
            f"schedule must be nightly, weekly, every N nights or auto, not {value!r}"
        )
    if isinstance(value, int):
        nights = value
    else:
        text = str(value).strip().lower()
        named = {"nightly": 1, "daily": 1, "weekly": 7}
        if text == "auto":
            return Schedule(auto=True)
        if text in named:
            nights = named[text]
        elif text.isdigit():
            nights = int(text)
        elif match := _EVERY.match(text):
            nights = int(match.group(1))
        else:
            raise ScheduleError(
                f"schedule must be nightly, weekly, every N nights or auto, not {value!r}"
            )
    if nights < 1:
        raise ScheduleError(f"schedule: a source is crawled at least every night, not {value!r}")
    return Schedule(nights=nights)


@dataclass(frozen=True)
class SourceHistory:
    """What the warehouse knows of one source's past runs."""

    #: When its last run started (any status), None when it never ran.
    last_crawled_at: datetime | None = None
    #: Runs in a row, up to the last one, that ended ``failed``.
    failures_in_a_row: int = 0
    #: When it last brought a new version of a posting (or None: never).
    last_changed_at: datetime | None = None


@dataclass(frozen=True)
class Decision:
    """Whether a source is crawled tonight, and why (in words ``source_health`` shows)."""

    source_key: str
    schedule: str
    due: bool
    reason: str
    #: The effective interval tonight, in nights (after ``auto`` and backoff).
    interval_nights: int
    next_due_at: datetime | None = None


def interval_of(schedule: Schedule, history: SourceHistory, now: datetime) -> tuple[int, str]:
    """The schedule's interval in nights for this source tonight, and its tier in words."""
    if not schedule.auto:
        return schedule.nights, str(schedule)
    if history.last_crawled_at is None or history.last_changed_at is None:
        return 1, "auto: nightly (no change seen yet)"
    unchanged = now - history.last_changed_at
    if unchanged <= timedelta(days=AUTO_RECENT_DAYS):
        return 1, f"auto: nightly (changed {unchanged.days} days ago)"
    if unchanged >= timedelta(days=AUTO_STALE_DAYS):
        return 7, f"auto: weekly (unchanged for {unchanged.days} days)"
    return (
        AUTO_MIDDLE_NIGHTS,
        f"auto: every {AUTO_MIDDLE_NIGHTS} nights (unchanged for {unchanged.days} days)",
    )


def backoff_nights(failures_in_a_row: int) -> int:
    """Nights a source waits after failing this many runs in a row (0: not backing off)."""
    if failures_in_a_row < 2:
        return 0
    return int(min(2 ** (failures_in_a_row - 2), MAX_BACKOFF_NIGHTS))


def decide(source_key: str, schedule: Schedule, history: SourceHistory, now: datetime) -> Decision:
    """Whether ``source_key`` is due at ``now``, with the reason either way."""
    interval, tier = interval_of(schedule, history, now)
    backoff = backoff_nights(history.failures_in_a_row)
    if history.last_crawled_at is None:
        return Decision(source_key, str(schedule), True, f"{tier}: never crawled", interval, now)
    if backoff and backoff >= interval:
        wait, why = backoff, f"backing off after {history.failures_in_a_row} failed runs in a row"
    elif interval > 1:
        wait, why = interval, tier
    else:
        return Decision(source_key, str(schedule), True, f"{tier}: due every night", 1, now)
    next_due = history.last_crawled_at + timedelta(days=wait) - SLACK
    if now >= next_due:
        return Decision(source_key, str(schedule), True, f"{why}: due", wait, now)
    return Decision(
        source_key,
        str(schedule),
        False,
        f"{why}: last crawled {history.last_crawled_at:%Y-%m-%d}, next {next_due:%Y-%m-%d}",
        wait,
        next_due,
    )
