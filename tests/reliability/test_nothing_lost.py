"""Across the whole bad week, every posting a finished run landed is in the warehouse exactly
once: no row lost, no row doubled.

Rows are counted three ways: the landing files of every loaded run against ``raw.sightings``,
each run's reported postings against its sightings, and the postings seen against
``marts.dim_postings``. The counts go to the note on the issue (printed at the end of the run).
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from tests.reliability.conftest import LEDGER, outcome
from tests.reliability.scenario import query

pytestmark = pytest.mark.slow


def landed_postings(landing_dir, loaded_runs: set[str]) -> Counter:
    """(run, source, id) of every posting in the landing files of the loaded runs; a repeated
    id within one run counts once (the loader keeps the first, the crawler drops repeats)."""
    landed: Counter = Counter()
    for manifest_path in landing_dir.rglob("*.run.json"):
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest["crawl_run_id"] not in loaded_runs or not manifest.get("landing_file"):
            continue
        seen = set()
        with manifest_path.with_name(manifest["landing_file"]).open(encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                seen.add(
                    (manifest["crawl_run_id"], record["source_key"], record["source_posting_id"])
                )
        landed.update(seen)
    return landed


def test_no_row_is_lost_and_none_is_doubled(bad_week):
    db = bad_week.db
    runs = query(db, "select crawl_run_id, postings from raw.crawl_runs")
    loaded_runs = {run_id for run_id, _ in runs}
    landed = landed_postings(bad_week.data_dir / "landing", loaded_runs)
    sightings = Counter(
        query(db, "select crawl_run_id, source_key, source_posting_id from raw.sightings")
    )
    per_run = Counter(run_id for run_id, _, _ in sightings.elements())
    lost = sum((landed - sightings).values())
    doubled = sum((sightings - landed).values()) + sum(n - 1 for n in sightings.values() if n > 1)
    for run_id, postings in runs:  # what each run reported against what was loaded of it
        lost += max(0, postings - per_run[run_id])
        doubled += max(0, per_run[run_id] - postings)
    posting_ids = Counter(row[0] for row in query(db, "select posting_id from marts.dim_postings"))
    seen_postings = {f"{key}:{posting_id}" for _, key, posting_id in sightings}
    # Stored records in which their parser found no posting (each named by its parse_error):
    # kept in raw, in no mart, on purpose.
    not_postings = {
        row[0]
        for row in query(
            db,
            """
            select posting_id from staging.stg_raw__posting_versions_parsed
            where parse_error is not null
            except
            select posting_id from staging.stg_raw__posting_versions""",
        )
    }
    lost += len(seen_postings - set(posting_ids) - not_postings)
    doubled += sum(n - 1 for n in posting_ids.values() if n > 1)
    [(versions, distinct_versions)] = query(
        db,
        """
        select count(*), count(distinct (source_key, source_posting_id, content_hash))
        from raw.posting_versions""",
    )
    doubled += versions - distinct_versions
    LEDGER["rows checked"] = sum(landed.values())
    LEDGER["rows lost"] = lost
    LEDGER["rows doubled"] = doubled
    LEDGER["records stored that are no posting (named)"] = len(not_postings)
    outcome(
        "ledger",
        "every landed posting of every loaded run",
        "the whole week",
        "0 lost, 0 doubled",
        f"{sum(landed.values())} landed rows checked: {lost} lost, {doubled} doubled",
        lost == 0 and doubled == 0,
    )

    assert landed, "nothing was checked"
    assert lost == 0
    assert doubled == 0
