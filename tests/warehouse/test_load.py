"""The loader: idempotent, one transaction per run, versions by content hash, crash-safe."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from datetime import UTC
from pathlib import Path

import duckdb
import pytest

import warehouse.load as warehouse_load
from tests.warehouse.landing import synthetic_posting, write_run
from warehouse.load import BATCH_BYTES, LoadError, connect, find_manifests, load, load_run

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def table_rows(database: Path) -> dict[str, list[tuple]]:
    """Every row of the raw tables, without load timestamps, sorted."""
    with duckdb.connect(str(database), read_only=True) as connection:
        return {
            "versions": sorted(
                connection.execute(
                    "select source_key, source_posting_id, content_hash, "
                    "coalesce(payload->>'$.title', payload->>'$.text') as title, payload, "
                    "first_crawl_run_id from raw.posting_versions"
                ).fetchall()
            ),
            "sightings": sorted(
                connection.execute(
                    "select crawl_run_id, source_key, source_posting_id, content_hash "
                    "from raw.sightings"
                ).fetchall()
            ),
            "runs": sorted(
                connection.execute(
                    "select crawl_run_id, source_key, status, postings, errors from raw.crawl_runs"
                ).fetchall()
            ),
        }


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    return tmp_path / "landing"


def test_loading_the_same_files_twice_changes_nothing(tmp_path, landing):
    write_run(
        landing,
        "greenhouse:acme",
        "run-1",
        [synthetic_posting("greenhouse:acme", str(i)) for i in range(5)],
    )
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

    assert sorted((v[3], v[5]) for v in rows["versions"]) == sorted(
        [("ML Engineer", "run-1"), ("Senior ML Engineer", "run-3")]
    )
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


def test_a_record_repeated_in_a_file_is_stored_once(tmp_path, landing):
    record = synthetic_posting("greenhouse:acme", "1")
    write_run(
        landing,
        "greenhouse:acme",
        "run-1",
        [record, synthetic_posting("greenhouse:acme", "2"), record],
    )

    report = load(tmp_path / "w.duckdb", landing)

    assert [(run.new_versions, run.sightings) for run in report.runs] == [(2, 2)]
    rows = table_rows(tmp_path / "w.duckdb")
    assert [v[1] for v in rows["versions"]] == ["1", "2"]
    assert [s[2] for s in rows["sightings"]] == ["1", "2"]


def test_failed_run_without_postings_is_recorded(tmp_path, landing):
    write_run(landing, "greenhouse:gone", "run-1", [], errors=1)

    report = load(tmp_path / "w.duckdb", landing)

    assert report.failed == []
    assert table_rows(tmp_path / "w.duckdb")["runs"] == [
        ("run-1", "greenhouse:gone", "failed", 0, 1)
    ]


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
    assert "lever:broken" in failed.error
    assert "run-1" in failed.error
    assert table_rows(tmp_path / "w.duckdb")["runs"] == [("run-2", "lever:fine", "succeeded", 1, 0)]


def test_corrupt_landing_file_is_rolled_back_and_named(tmp_path, landing):
    manifest = write_run(
        landing, "lever:acme", "run-1", [synthetic_posting("lever:acme", str(i)) for i in range(3)]
    )
    landing_file = manifest.parent / "run-1.jsonl"
    landing_file.write_text(landing_file.read_text() + '{"truncated": ', encoding="utf-8")

    report = load(tmp_path / "w.duckdb", landing)

    [failed] = report.failed
    assert "run-1" in failed.error
    assert "lever:acme" in failed.error
    assert table_rows(tmp_path / "w.duckdb") == {"versions": [], "sightings": [], "runs": []}


@pytest.mark.parametrize("step", ["staged", "versions", "sightings", "run"])
def test_exception_mid_load_leaves_nothing_of_that_run(tmp_path, landing, step):
    write_run(landing, "lever:acme", "run-1", [synthetic_posting("lever:acme", "a")])
    manifest = write_run(
        landing,
        "lever:acme",
        "run-2",
        [synthetic_posting("lever:acme", "a"), synthetic_posting("lever:acme", "b")],
    )
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

    crash_step, crash_at_batch, batch_bytes = sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    batches_started = 0
    original = loader.load_batch

    def crashing_load_batch(connection, runs, before_commit=None):
        global batches_started
        batches_started += 1
        def hook(step):
            if batches_started == crash_at_batch and step == crash_step:
                os.kill(os.getpid(), signal.SIGKILL)
        return original(connection, runs, before_commit=hook)

    loader.load_batch = crashing_load_batch
    loader.load(Path(sys.argv[1]), Path(sys.argv[2]), batch_bytes=batch_bytes)
""")


@pytest.mark.parametrize(
    ("runs_per_batch", "step", "batch"),
    [
        (1, "staged", 1),
        (1, "versions", 2),
        (1, "sightings", 3),
        (1, "run", 4),
        (2, "staged", 1),
        (2, "versions", 2),
        (2, "sightings", 1),
        (2, "run", 2),
        (4, "staged", 1),
        (4, "versions", 1),
        (4, "sightings", 1),
        (4, "run", 1),
    ],
)
def test_sigkill_mid_load_then_restart_equals_a_clean_load(
    tmp_path, landing, runs_per_batch, step, batch
):
    for number in range(1, 5):
        write_run(
            landing,
            "greenhouse:acme",
            f"run-{number}",
            [
                synthetic_posting("greenhouse:acme", str(i), title=f"Role {i} v{number % 2}")
                for i in range(50)
            ],
            fetched_at=f"2026-11-2{number}T01:00:00+00:00",
        )
    sizes = [path.stat().st_size for path in landing.rglob("*.jsonl")]
    batch_bytes = {1: 1, 2: int(2.5 * max(sizes)), 4: BATCH_BYTES}[runs_per_batch]
    assert runs_per_batch == 4 or 3 * min(sizes) > batch_bytes >= 2 * max(sizes) or batch_bytes == 1
    clean = tmp_path / "clean.duckdb"
    load(clean, landing)
    crashed = tmp_path / "crashed.duckdb"
    script = tmp_path / "crash.py"
    script.write_text(CRASHING_LOADER, encoding="utf-8")

    process = subprocess.run(
        [
            sys.executable,
            str(script),
            str(crashed),
            str(landing),
            step,
            str(batch),
            str(batch_bytes),
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        check=False,
    )
    assert process.returncode == -signal.SIGKILL, process.stderr
    with duckdb.connect(str(crashed), read_only=True) as connection:
        loaded_runs = connection.execute("select count(*) from raw.crawl_runs").fetchone()[0]
    # the killed batch left nothing; the batches before it are whole
    assert loaded_runs == (batch - 1) * runs_per_batch

    load(crashed, landing)

    assert table_rows(crashed) == table_rows(clean)


def all_rows(database: Path) -> dict[str, list[tuple]]:
    """Every column of every row of the raw tables but the load timestamps, in order."""
    with duckdb.connect(str(database), read_only=True) as connection:
        return {
            table: connection.execute(f"select {columns} from raw.{table} order by all").fetchall()
            for table, columns in (
                ("posting_versions", "* exclude (_loaded_at)"),
                ("sightings", "*"),
                ("crawl_runs", "* exclude (_loaded_at)"),
            )
        }


def rewrite_fetched_at(manifest: Path, fetched_at: list[str]) -> None:
    """Give the records of a run's landing file their own fetch times, line by line."""
    landing_file = manifest.with_name(manifest.name.removesuffix(".run.json") + ".jsonl")
    records = [json.loads(line) for line in landing_file.read_text().splitlines()]
    landing_file.write_text(
        "".join(
            json.dumps({**record, "fetched_at": when}) + "\n"
            for record, when in zip(records, fetched_at, strict=True)
        )
    )


def varied_landing(landing: Path) -> None:
    """Runs of several sources: new, unchanged and changed postings, duplicates, bad records."""

    def posting(key: str, number: int, title: str = "ML Engineer") -> dict:
        return synthetic_posting(key, str(number), title=title)

    write_run(
        landing,
        "greenhouse:acme",
        "20261120-acme",
        [posting("greenhouse:acme", i) for i in range(20)],
        fetched_at="2026-11-20T01:00:00+00:00",
    )
    write_run(
        landing,
        "lever:beta",
        "20261120-beta",
        [
            posting("lever:beta", 1),
            posting("lever:beta", 1, "Second"),
            {**posting("lever:beta", 2), "source_posting_id": None},
            {**posting("lever:beta", 3), "content_hash": None},
            posting("lever:beta", 4),
            posting("lever:beta", 4),
        ],
        fetched_at="2026-11-20T02:00:00+00:00",
    )
    write_run(landing, "greenhouse:gone", "20261120-gone", [], errors=2)
    # the same postings the next night: most unchanged, some changed, some new
    write_run(
        landing,
        "greenhouse:acme",
        "20261121-acme",
        [
            posting("greenhouse:acme", i, "Staff ML Engineer" if i % 5 == 0 else "ML Engineer")
            for i in range(5, 30)
        ],
        fetched_at="2026-11-21T01:00:00+00:00",
    )
    late_first = write_run(
        landing,
        "lever:beta",
        "20261121-beta",
        [
            posting("lever:beta", 4, "Earlier in the file, fetched later"),
            posting("lever:beta", 4, "Later in the file, fetched first"),
            posting("lever:beta", 1, "Second"),
            posting("lever:beta", 5),
        ],
    )
    rewrite_fetched_at(
        late_first,
        [
            "2026-11-21T03:00:00+00:00",
            "2026-11-21T02:00:00+00:00",
            "2026-11-21T02:30:00+00:00",
            "2026-11-21T02:30:00+00:00",
        ],
    )
    empty = write_run(landing, "ashby:quiet", "20261121-quiet", [], status="empty")
    assert empty.with_name("20261121-quiet.jsonl").stat().st_size == 0
    # a version first seen by the acme run of the night before reappears with a later run
    write_run(
        landing,
        "greenhouse:acme",
        "20261122-acme",
        [posting("greenhouse:acme", 0)],
        fetched_at="2026-11-22T01:00:00+00:00",
    )


def test_a_batch_loads_what_loading_run_by_run_loads(tmp_path, landing):
    varied_landing(landing)
    batched, by_run = tmp_path / "batched.duckdb", tmp_path / "by_run.duckdb"

    report = load(batched, landing)
    connection = connect(by_run)
    outcomes = [load_run(connection, manifest) for manifest in find_manifests(landing)]
    connection.close()

    assert report.failed == []
    assert all_rows(batched) == all_rows(by_run)
    assert report.runs == outcomes
    rows = all_rows(batched)
    assert len(rows["crawl_runs"]) == 7
    titles = {(v[0], v[1], json.loads(v[7]).get("text")) for v in rows["posting_versions"]}
    assert ("lever:beta", "4", "Later in the file, fetched first") in titles
    assert ("lever:beta", "4", "Earlier in the file, fetched later") not in titles
    assert ("lever:beta", "1", "Second") in titles  # new on the second night, not the first
    assert {v[1] for v in rows["posting_versions"] if v[0] == "lever:beta"} == {"1", "4", "5"}


def test_the_byte_cap_splits_batches_and_changes_nothing(tmp_path, landing, monkeypatch):
    varied_landing(landing)
    batch_sizes: list[int] = []
    original = warehouse_load.load_batch

    def counting_load_batch(connection, runs, before_commit=None):
        batch_sizes.append(len(runs))
        return original(connection, runs, before_commit)

    monkeypatch.setattr(warehouse_load, "load_batch", counting_load_batch)
    one_batch = load(tmp_path / "one.duckdb", landing)
    assert batch_sizes == [7]
    batch_sizes.clear()
    largest = max(path.stat().st_size for path in landing.rglob("*.jsonl"))
    several = load(tmp_path / "several.duckdb", landing, batch_bytes=largest + 1)

    assert len(batch_sizes) > 2
    assert sum(batch_sizes) == 7
    assert several.runs == one_batch.runs
    assert all_rows(tmp_path / "several.duckdb") == all_rows(tmp_path / "one.duckdb")


def test_a_corrupt_file_fails_alone_and_the_rest_of_its_batch_loads(tmp_path, landing, caplog):
    write_run(landing, "lever:good", "run-1", [synthetic_posting("lever:good", "a")])
    bad = write_run(
        landing, "lever:bad", "run-2", [synthetic_posting("lever:bad", str(i)) for i in range(3)]
    )
    write_run(
        landing,
        "lever:fine",
        "run-3",
        [synthetic_posting("lever:fine", "b"), synthetic_posting("lever:fine", "c")],
    )
    bad_file = bad.with_name("run-2.jsonl")
    bad_file.write_text(bad_file.read_text() + '{"truncated": ', encoding="utf-8")

    report = load(tmp_path / "w.duckdb", landing)

    [failed] = report.failed
    assert (failed.crawl_run_id, failed.source_key) == ("run-2", "lever:bad")
    assert "lever:bad: run run-2 (run-2.jsonl): load rolled back" in failed.error
    assert [(run.crawl_run_id, run.new_versions, run.sightings) for run in report.runs] == [
        ("run-1", 1, 1),
        ("run-2", 0, 0),
        ("run-3", 2, 2),
    ]
    rows = table_rows(tmp_path / "w.duckdb")
    assert [run[0] for run in rows["runs"]] == ["run-1", "run-3"]
    assert {version[0] for version in rows["versions"]} == {"lever:good", "lever:fine"}
    assert len(rows["sightings"]) == 3

    bad_file.write_text("".join(line + "\n" for line in bad_file.read_text().splitlines()[:3]))
    again = load(tmp_path / "w.duckdb", landing)
    assert [(run.crawl_run_id, run.skipped) for run in again.runs] == [
        ("run-1", True),
        ("run-2", False),
        ("run-3", True),
    ]
    assert len(table_rows(tmp_path / "w.duckdb")["sightings"]) == 6


def test_a_new_version_seen_by_two_runs_of_a_batch_is_stored_once(tmp_path, landing):
    posting = synthetic_posting("greenhouse:acme", "1")
    write_run(
        landing, "greenhouse:acme", "run-1", [posting], fetched_at="2026-11-25T01:00:00+00:00"
    )
    write_run(
        landing,
        "greenhouse:acme",
        "run-2",
        [posting, synthetic_posting("greenhouse:acme", "2")],
        fetched_at="2026-11-26T01:00:00+00:00",
    )

    report = load(tmp_path / "w.duckdb", landing)

    assert [(run.new_versions, run.sightings) for run in report.runs] == [(1, 1), (1, 2)]
    rows = all_rows(tmp_path / "w.duckdb")
    versions = {v[1]: (v[4], str(v[5].astimezone(UTC)), v[10]) for v in rows["posting_versions"]}
    assert versions == {
        "1": ("run-1", "2026-11-25 01:00:00+00:00", "run-1.jsonl"),
        "2": ("run-2", "2026-11-26 01:00:00+00:00", "run-2.jsonl"),
    }
    assert [s[0] for s in rows["sightings"]] == ["run-1", "run-2", "run-2"]


def test_runs_already_loaded_are_skipped_and_progress_sees_every_manifest(tmp_path, landing):
    for number in range(1, 4):
        write_run(
            landing, "lever:acme", f"run-{number}", [synthetic_posting("lever:acme", str(number))]
        )
    database = tmp_path / "w.duckdb"
    load(database, landing, [landing / "lever" / "acme" / "run-2.run.json"])
    (landing / "lever" / "acme" / "run-4.run.json").write_text("{not json", encoding="utf-8")
    seen: list[tuple[int, int, str, bool, bool]] = []

    report = load(
        database,
        landing,
        progress=lambda position, total, run: seen.append(
            (position, total, run.crawl_run_id, run.skipped, bool(run.error))
        ),
    )

    assert seen == [
        (1, 4, "run-1", False, False),
        (2, 4, "run-2", True, False),
        (3, 4, "run-3", False, False),
        (4, 4, "run-4", False, True),
    ]
    assert [run.new_versions for run in report.runs] == [1, 0, 1, 0]
    assert len(table_rows(database)["runs"]) == 3


def test_the_same_run_in_two_manifests_is_loaded_once(tmp_path, landing):
    write_run(landing, "lever:acme", "run-1", [synthetic_posting("lever:acme", "a")])
    write_run(landing, "lever:copy", "run-1", [synthetic_posting("lever:copy", "a")])

    report = load(tmp_path / "w.duckdb", landing)

    assert report.failed == []
    assert sorted(run.skipped for run in report.runs) == [False, True]
    rows = table_rows(tmp_path / "w.duckdb")
    assert len(rows["runs"]) == 1
    assert len(rows["sightings"]) == 1


def test_the_loader_holds_duckdb_to_its_memory_limit(tmp_path, landing, monkeypatch):
    write_run(landing, "lever:acme", "run-1", [synthetic_posting("lever:acme", "a")])
    limits: list[str] = []
    original = warehouse_load.load_batch

    def spying_load_batch(connection, runs, before_commit=None):
        limits.append(connection.execute("select current_setting('memory_limit')").fetchone()[0])
        return original(connection, runs, before_commit)

    monkeypatch.setattr(warehouse_load, "load_batch", spying_load_batch)
    load(tmp_path / "w.duckdb", landing, memory_limit="1GB")

    assert limits == ["953.6 MiB"]


def test_two_runs_naming_one_landing_file_each_see_all_of_it(tmp_path, landing):
    first = write_run(
        landing,
        "lever:acme",
        "run-1",
        [synthetic_posting("lever:acme", "a"), synthetic_posting("lever:acme", "b")],
    )
    second = write_run(landing, "lever:acme", "run-2", [])
    manifest = json.loads(second.read_text())
    second.write_text(json.dumps({**manifest, "landing_file": "run-1.jsonl", "postings": 2}))
    assert first.with_name("run-1.jsonl").exists()

    report = load(tmp_path / "w.duckdb", landing)

    assert [(run.new_versions, run.sightings) for run in report.runs] == [(2, 2), (0, 2)]
    assert [s[0] for s in table_rows(tmp_path / "w.duckdb")["sightings"]] == [
        "run-1",
        "run-1",
        "run-2",
        "run-2",
    ]


def test_the_loader_writes_its_own_row_groups_and_spills_beside_the_database(
    tmp_path, landing, monkeypatch
):
    write_run(
        landing,
        "greenhouse:acme",
        "run-1",
        [synthetic_posting("greenhouse:acme", str(i)) for i in range(5000)],
    )
    default_groups = tmp_path / "default.duckdb"
    monkeypatch.setattr(warehouse_load, "ROW_GROUP_SIZE", 122_880)
    load(default_groups, landing)
    small_groups = tmp_path / "small.duckdb"
    monkeypatch.setattr(warehouse_load, "ROW_GROUP_SIZE", 2048)
    load(small_groups, landing)

    assert table_rows(small_groups) == table_rows(default_groups)
    with duckdb.connect(str(small_groups), read_only=True) as connection:
        groups = connection.execute(
            "select row_group_id, max(count) from pragma_storage_info('raw.posting_versions') "
            "group by row_group_id"
        ).fetchall()
    assert len(groups) >= 3
    assert max(rows for _, rows in groups) <= 2048
    connection = connect(small_groups)
    try:
        settings = connection.execute(
            "select current_setting('temp_directory'), path from duckdb_databases() "
            "where database_name = current_database()"
        ).fetchall()
    finally:
        connection.close()
    assert settings == [(f"{small_groups}.tmp", str(small_groups))]


def test_versions_are_stored_compressed_and_only_they_are_forced(tmp_path, landing, monkeypatch):
    write_run(
        landing,
        "greenhouse:acme",
        "run-1",
        [synthetic_posting("greenhouse:acme", str(i)) for i in range(5000)],
    )
    monkeypatch.setattr(warehouse_load, "ROW_GROUP_SIZE", 2048)
    database = tmp_path / "w.duckdb"
    load(database, landing)

    with duckdb.connect(str(database), read_only=True) as connection:
        versions = connection.execute(
            "select distinct compression from pragma_storage_info('raw.posting_versions') "
            "where column_name = 'payload' "
            "and compression <> 'Constant'"
        ).fetchall()
        sightings = connection.execute(
            "select distinct compression from pragma_storage_info('raw.sightings') "
            "where column_name = 'source_posting_id' and compression <> 'Constant'"
        ).fetchall()
    assert versions == [(warehouse_load.VERSIONS_COMPRESSION.upper(),)]
    assert sightings
    assert (warehouse_load.VERSIONS_COMPRESSION.upper(),) not in sightings
