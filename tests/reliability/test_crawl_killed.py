"""A crawl killed mid-run (SIGKILL): its half-written landing file is never loaded, the runs that
finished are, and the next nightly completes with every row once.

The loader's own crash safety (SIGKILL at each step of a load of many files) is tested in
tests/warehouse/test_load.py; this is the crawler's side.
"""

from __future__ import annotations

import json
import signal

import pytest

from tests.reliability.conftest import outcome
from tests.reliability.scenario import SLOWPOKE_KEY, SLOWPOKE_POSTINGS, recording_sources, rows_of

pytestmark = pytest.mark.slow


def test_the_half_written_landing_file_is_ignored_and_finished_runs_load(bad_week):
    killed = bad_week.killed
    tables = killed.load.tables
    [part] = killed.part_files
    part_run_id = part.name.removesuffix(".jsonl.part")
    loaded_runs = {row[0]: row for row in tables["runs"]}
    finished = [json.loads(path.read_text()) for path in killed.finished_manifests]
    ok = (
        killed.returncode == -signal.SIGKILL
        and killed.load.exit_code == 0
        and part_run_id not in loaded_runs
        and not rows_of(tables["sightings"], SLOWPOKE_KEY, 1)
    )
    outcome(
        "crash",
        "crawl SIGKILLed mid-run, then `postings load`",
        SLOWPOKE_KEY,
        ".jsonl.part ignored, finished runs loaded",
        f"killed after {killed.killed_after_seconds:.1f} s with {killed.part_lines} lines in "
        f"the .part; {len(loaded_runs)} finished runs loaded, 0 rows of the killed run",
        ok,
    )

    assert killed.returncode == -signal.SIGKILL
    assert killed.part_lines > 0, "the killed run had written postings"
    assert killed.load.exit_code == 0, killed.load.output[-3000:]
    assert "its crawl never finished" in killed.load.output
    assert part_run_id not in loaded_runs
    assert not rows_of(tables["sightings"], SLOWPOKE_KEY, column=1)
    assert not rows_of(tables["versions"], SLOWPOKE_KEY)
    assert len(finished) == len(recording_sources())
    for manifest in finished:  # every finished run is in, with all its postings
        run = loaded_runs[manifest["crawl_run_id"]]
        assert run[2:4] == (manifest["status"], manifest["postings"])
        sightings = [row for row in tables["sightings"] if row[0] == manifest["crawl_run_id"]]
        assert len(sightings) == manifest["postings"]


def test_the_next_nightly_completes_with_the_killed_source_whole_and_nothing_doubled(bad_week):
    night = bad_week.good_night
    tables = night.tables
    [part] = bad_week.killed.part_files
    expected = sum(SLOWPOKE_POSTINGS)
    postings = rows_of(tables["dim_postings"], SLOWPOKE_KEY, column=1)
    [run] = rows_of(tables["runs"], SLOWPOKE_KEY, column=1)
    ok = night.exit_code == 0 and run[2] == "succeeded" and len(postings) == expected
    outcome(
        "crash",
        "the nightly after the killed crawl",
        SLOWPOKE_KEY,
        f"succeeded, {expected} postings once each",
        f"exit {night.exit_code}, {run[2]}, {len(postings)} postings",
        ok,
    )

    assert night.exit_code == 0, night.output[-3000:]
    assert run[2:4] == ("succeeded", expected)
    assert len(postings) == len({row[0] for row in postings}) == expected
    assert len(rows_of(tables["versions"], SLOWPOKE_KEY)) == expected
    assert not part.exists()  # removed at the next start (no crawler held it), never loaded
    assert part.name.removesuffix(".jsonl.part") not in {row[0] for row in tables["runs"]}
