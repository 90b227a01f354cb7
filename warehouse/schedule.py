"""Tonight's sources: each entry's schedule against its history in the warehouse.

``scrapers.schedule`` decides (a pure function); this module reads what it decides from
(``raw.crawl_runs``, ``raw.posting_versions``) and records every decision, crawled or not, in
``raw.schedule_decisions``, which ``source_health`` shows (``skip_reason``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from scrapers.schedule import Decision, SourceHistory, decide, parse_schedule
from scrapers.sources import SourceEntry
from warehouse import lakehouse
from warehouse.lakehouse import Lakehouse, Target
from warehouse.schema import create_raw_schema

#: Per source: the last run's start, failed runs in a row up to it, the last new version.
HISTORY_SQL = """
with runs as (
    select
        source_key,
        started_at,
        status,
        row_number() over (partition by source_key order by started_at desc) as run_number
    from raw.crawl_runs
    where source_key in (select unnest($keys))
),

per_source as (
    select
        source_key,
        max(started_at) as last_crawled_at,
        coalesce(min(run_number) filter (where status <> 'failed') - 1, count(*))
            as failures_in_a_row
    from runs
    group by source_key
),

changes as (
    select source_key, max(first_fetched_at) as last_changed_at
    from raw.posting_versions
    where source_key in (select unnest($keys))
    group by source_key
)

select per_source.source_key, per_source.last_crawled_at, per_source.failures_in_a_row,
    changes.last_changed_at
from per_source
left join changes on per_source.source_key = changes.source_key
"""


def read_history(database: Target, keys: list[str]) -> dict[str, SourceHistory]:
    """What the warehouse knows of each source's runs (sources never crawled are absent)."""
    if isinstance(database, str):
        database = Path(database)
    if not keys or not lakehouse.exists(database):
        return {}
    with lakehouse.open_database(database, read_only=True) as connection:
        try:
            rows = connection.execute(HISTORY_SQL, {"keys": keys}).fetchall()
        except duckdb.CatalogException:  # no raw schema yet: nothing was ever crawled
            return {}
    return {
        key: SourceHistory(
            last_crawled_at=last_crawled_at,
            failures_in_a_row=int(failures or 0),
            last_changed_at=last_changed_at,
        )
        for key, last_crawled_at, failures, last_changed_at in rows
    }


def plan(database: Target, entries: Iterable[SourceEntry], now: datetime) -> list[Decision]:
    """One decision per entry, in the entries' order."""
    entries = list(entries)
    history = read_history(database, [entry.key for entry in entries])
    return [
        decide(
            entry.key,
            parse_schedule(entry.options.get("schedule")),
            history.get(entry.key, SourceHistory()),
            now,
        )
        for entry in entries
    ]


def record(database: Target, decisions: list[Decision], decided_at: datetime) -> None:
    """Append the night's decisions to ``raw.schedule_decisions`` (one bulk insert)."""
    if not decisions:
        return
    create_raw_schema(database if isinstance(database, Lakehouse) else str(database))
    table = pa.table(
        {
            "decided_at": pa.array([decided_at] * len(decisions), pa.timestamp("us", tz="UTC")),
            "source_key": [decision.source_key for decision in decisions],
            "schedule": [decision.schedule for decision in decisions],
            "is_due": [decision.due for decision in decisions],
            "reason": [decision.reason for decision in decisions],
            "interval_nights": pa.array(
                [decision.interval_nights for decision in decisions], pa.int32()
            ),
            "next_due_at": pa.array(
                [decision.next_due_at for decision in decisions], pa.timestamp("us", tz="UTC")
            ),
        }
    )
    with lakehouse.open_database(database) as connection:
        connection.register("decisions", table)
        connection.execute("insert into raw.schedule_decisions by name select * from decisions")


def summary(decisions: list[Decision]) -> str:
    """One line for the job's output: how many are due, and why the others are not."""
    due = sum(decision.due for decision in decisions)
    waiting = [decision for decision in decisions if not decision.due]
    backing_off = sum("backing off" in decision.reason for decision in waiting)
    return f"{due} of {len(decisions)} sources due tonight" + (
        f"; {len(waiting)} not due ({len(waiting) - backing_off} by schedule, "
        f"{backing_off} backing off after failures)"
        if waiting
        else ""
    )
