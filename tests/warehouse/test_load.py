"""The loader: idempotent, one transaction per run, versions by content hash, crash-safe."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from tests.warehouse.landing import synthetic_posting, write_run
from warehouse.load import LoadError, connect, load, load_run

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def table_rows(database: Path) -> dict[str, list[tuple]]:
    """Every row of the raw tables, without load timestamps, sorted."""
    with duckdb.connect(str(database), read_only=True) as connection:
        return {
            "versions": sorted(connection.execute(
                "select source_key, source_posting_id, content_hash, title, payload, "
                "first_crawl_run_id from raw.posting_versions").fetchall()),
            "sightings": sorted(connection.execute(
                "select crawl_run_id, source_key, source_posting_id, content_hash "
                "from raw.sightings").fetchall()),
            "runs": sorted(connection.execute(
                "select crawl_run_id, source_key, status, postings, errors "
                "from raw.crawl_runs").fetchall()),
        }


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    return tmp_path / "landing"


def test_loading_the_same_files_twice_changes_nothing(tmp_path, landing):
    write_run(landing, "greenhouse:acme", "run-1",
              [synthetic_posting("greenhouse:acme", str(i)) for i in range(5)])
    database = tmp_path / "w.duckdb"

    first = load(database, landing)
    after_first = table_rows(database)
    second = load(database, landing)

    assert [run.new_versions for run in first.runs] == [5]
    assert [run.skipped for run in second.runs] == [True]
    assert table_rows(database) == after_first
    assert len(after_first["sightings"]) == 5


def test_unchanged_posting_adds_a_sighting_not_a_version(tmp_path, landing):
    posting = synthetic_posting("lever:acme", "a")
    changed = synthetic_posting("lever:acme", "a", title="Senior ML Engineer")
    write_run(landing, "lever:acme", "run-1", [posting], fetched_at="2026-11-25T01:00:00+00:00")
    write_run(landing, "lever:acme", "run-2", [posting], fetched_at="2026-11-26T01:00:00+00:00")
    write_run(landing, "lever:acme", "run-3", [changed], fetched_at="2026-11-27T01:00:00+00:00")

    load(tmp_path / "w.duckdb", landing)
    rows = table_rows(tmp_path / "w.duckdb")

    assert [(v[3], v[5]) for v in rows["versions"]] == sorted(
        [("ML Engineer", "run-1"), ("Senior ML Engineer", "run-3")])
    assert [s[0] for s in rows["sightings"]] == ["run-1", "run-2", "run-3"]


def test_payload_is_stored_verbatim(tmp_path, landing):
    hostile = "Robert'); DROP TABLE raw.sightings;-- <script>alert(1)</script> \u00e9\u4e2d"
    record = synthetic_posting("ashby:acme", "x", title=hostile)
    write_run(landing, "ashby:acme", "run-1", [record])

    load(tmp_path / "w.duckdb", landing)

    [version] = table_rows(tmp_path / "w.duckdb")["versions"]
    assert version[3] == hostile
    assert version[4] == record["payload"]


def test_duplicate_ids_in_one_file_keep_the_first(tmp_path, landing):
    first = synthetic_posting("greenhouse:acme", "1", title="First")
    second = synthetic_posting("greenhouse:acme", "1", title="Second")
    write_run(landing, "greenhouse:acme", "run-1", [first, second])

    load(tmp_path / "w.duckdb", landing)

    rows = table_rows(tmp_path / "w.duckdb")
    assert [v[3] for v in rows["versions"]] == ["First"]
    assert len(rows["sightings"]) == 1


def test_failed_run_without_postings_is_recorded(tmp_path, landing):
    write_run(landing, "greenhouse:gone", "run-1", [], errors=1)

    report = load(tmp_path / "w.duckdb", landing)

    assert report.failed == []
    assert table_rows(tmp_path / "w.duckdb")["runs"] == [
        ("run-1", "greenhouse:gone", "failed", 0, 1)]


def test_unfinished_crawl_is_ignored(tmp_path, landing):
    write_run(landing, "lever:acme", "run-1", [synthetic_posting("lever:acme", "a")])
    part = landing / "lever" / "acme" / "run-2.jsonl.part"
    part.write_text('{"source_key": "lever:acme", "source_posting_id": "half', encoding="utf-8")

    report = load(tmp_path / "w.duckdb", landing)

    assert report.abandoned == [part]
    assert [run.crawl_run_id for run in report.runs] == ["run-1"]


def test_a_run_whose_landing_file_is_missing_fails_alone(tmp_path, landing):
    broken = write_run(landing, "lever:broken", "run-1", [synthetic_posting("lever:broken", "a")])
    (broken.parent / "run-1.jsonl").unlink()
    write_run(landing, "lever:fine", "run-2", [synthetic_posting("lever:fine", "b")])

    report = load(tmp_path / "w.duckdb", landing)

    [failed] = report.failed
    assert "lever:broken" in failed.error and "run-1" in failed.error
    assert table_rows(tmp_path / "w.duckdb")["runs"] == [("run-2", "lever:fine", "succeeded", 1, 0)]


def test_corrupt_landing_file_is_rolled_back_and_named(tmp_path, landing):
    manifest = write_run(landing, "lever:acme", "run-1",
                         [synthetic_posting("lever:acme", str(i)) for i in range(3)])
    landing_file = manifest.parent / "run-1.jsonl"
    landing_file.write_text(landing_file.read_text() + '{"truncated": ', encoding="utf-8")

    report = load(tmp_path / "w.duckdb", landing)

    [failed] = report.failed
    assert "run-1" in failed.error and "lever:acme" in failed.error
    assert table_rows(tmp_path / "w.duckdb") == {"versions": [], "sightings": [], "runs": []}


@pytest.mark.parametrize("step", ["staged", "versions", "sightings", "run"])
def test_exception_mid_load_leaves_nothing_of_that_run(tmp_path, landing, step):
    write_run(landing, "lever:acme", "run-1", [synthetic_posting("lever:acme", "a")])
    manifest = write_run(landing, "lever:acme", "run-2",
                         [synthetic_posting("lever:acme", "a"), synthetic_posting("lever:acme", "b")])
    database = tmp_path / "w.duckdb"
    load(database, landing, [landing / "lever" / "acme" / "run-1.run.json"])
    before = table_rows(database)

    def explode(current: str) -> None:
        if current == step:
            raise RuntimeError("injected failure")

    connection = connect(database)
    with pytest.raises(LoadError, match="run-2"):
        load_run(connection, manifest, before_commit=explode)
    connection.close()

    assert table_rows(database) == before


CRASHING_LOADER = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    import warehouse.load as loader

    crash_step, crash_at_run = sys.argv[3], int(sys.argv[4])
    runs_started = 0
    original = loader.load_run

    def crashing_load_run(connection, path, before_commit=None):
        global runs_started
        runs_started += 1
        def hook(step):
            if runs_started == crash_at_run and step == crash_step:
                os.kill(os.getpid(), signal.SIGKILL)
        return original(connection, path, before_commit=hook)

    loader.load_run = crashing_load_run
    loader.load(Path(sys.argv[1]), Path(sys.argv[2]))
""")


@pytest.mark.parametrize(("step", "run"), [("staged", 1), ("versions", 2), ("sightings", 3),
                                           ("run", 4)])
def test_sigkill_mid_load_then_restart_equals_a_clean_load(tmp_path, landing, step, run):
    for number in range(1, 5):
        write_run(landing, "greenhouse:acme", f"run-{number}",
                  [synthetic_posting("greenhouse:acme", str(i), title=f"Role {i} v{number % 2}")
                   for i in range(50)],
                  fetched_at=f"2026-11-2{number}T01:00:00+00:00")
    clean = tmp_path / "clean.duckdb"
    load(clean, landing)
    crashed = tmp_path / "crashed.duckdb"
    script = tmp_path / "crash.py"
    script.write_text(CRASHING_LOADER, encoding="utf-8")

    process = subprocess.run([sys.executable, str(script), str(crashed), str(landing), step,
                              str(run)], cwd=PROJECT_ROOT, capture_output=True, text=True,
                             env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}, check=False)
    assert process.returncode == -signal.SIGKILL, process.stderr
    with duckdb.connect(str(crashed), read_only=True) as connection:
        loaded_runs = connection.execute("select count(*) from raw.crawl_runs").fetchone()[0]
    assert loaded_runs == run - 1  # the killed run left nothing; earlier runs are whole

    load(crashed, landing)

    assert table_rows(crashed) == table_rows(clean)
