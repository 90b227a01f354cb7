"""The warehouse as a DuckLake on a real PostgreSQL catalog (started here, on 127.0.0.1).

The landing files are the demo's (the bundled recording of real responses, crawled once per
session by ``tests/e2e/conftest.py``); they are loaded and built into a DuckLake exactly as into
the DuckDB file, and the marts must be the same. A nightly into the lake while two other
processes read it must never show them an error or a half-built night.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from bench.postgres import PostgresServer
from scrapers.schedule import Decision
from warehouse import lakehouse, pipeline, schedule
from warehouse.cli import app
from warehouse.config import Settings, get_settings
from warehouse.lakehouse import Lakehouse, LakehouseError
from warehouse.load import find_manifests, load

pytestmark = [pytest.mark.slow, pytest.mark.distributed]

#: Columns that hold when a row was loaded: they differ between two loads of the same files.
LOAD_TIME_COLUMNS = ("loaded_at", "_loaded_at", "last_seen_run_loaded_at")


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer().start()
    try:
        yield server
    finally:
        server.stop()


def lake_settings(postgres: PostgresServer, name: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        warehouse=postgres.create_database(name),
        lake_data_path=str(tmp_path / "lake"),
    )


def decisions_of(database: Path) -> tuple[list[Decision], datetime]:
    """The scheduler's decisions the demo's night recorded in the DuckDB file."""
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(
            "select source_key, schedule, is_due, reason, interval_nights, next_due_at, "
            "decided_at from raw.schedule_decisions order by source_key"
        ).fetchall()
    return [Decision(*row[:6]) for row in rows], rows[0][6]


def build(
    settings: Settings,
    lake: Lakehouse,
    landing: Path,
    manifests: list[Path],
    night: tuple[list[Decision], datetime] | None = None,
) -> None:
    """Load and build as the nightly does (with the same night's scheduler decisions)."""
    report = load(lake, landing, manifests)
    assert not report.failed, report.failed
    if night is not None:
        schedule.record(lake, *night)
    assert pipeline.transform(settings, lake, "build")
    lakehouse.publish(lake)


def mart_names(connection: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    rows = connection.execute(
        "select table_name from information_schema.tables where table_catalog = $catalog "
        "and table_schema = 'marts' order by 1",
        {"catalog": catalog},
    ).fetchall()
    return [row[0] for row in rows]


def comparable(connection: duckdb.DuckDBPyConnection, catalog: str, table: str) -> str:
    """A select of the table's columns but those that record load times."""
    rows = connection.execute(
        "select column_name from information_schema.columns where table_catalog = $catalog "
        "and table_schema = 'marts' and table_name = $table order by ordinal_position",
        {"catalog": catalog, "table": table},
    ).fetchall()
    columns = ", ".join(f'"{row[0]}"' for row in rows if row[0] not in LOAD_TIME_COLUMNS)
    return f'select {columns} from {catalog}.marts."{table}"'


S3_SETTINGS = {
    "lake_s3_key_id": "test-key",
    "lake_s3_secret": "test-secret",
    "lake_s3_region": "us-east-1",
    "lake_s3_url_style": "path",
    "lake_s3_use_ssl": "false",
}


def test_the_recording_into_ducklake_on_s3_gives_the_marts_of_the_duckdb_file(
    demo, postgres, s3_store, tmp_path
):
    """The lake's data on an S3-compatible store (moto's, on 127.0.0.1); readers on it too."""
    settings = Settings(
        data_dir=tmp_path / "data",
        warehouse=postgres.create_database("equal_marts"),
        lake_data_path="s3://lake/postings/",
        lake_s3_endpoint=s3_store,
        **S3_SETTINGS,
    )
    lake = settings.lakehouse()
    assert lake is not None
    assert "test-secret" not in repr(lake)
    landing = demo.data_dir / "landing"
    build(settings, lake, landing, find_manifests(landing), decisions_of(demo.database))
    with lakehouse.connect_published(lake) as connection:
        files = connection.execute(
            "select count(*) from ducklake_list_files('warehouse', 'dim_postings', "
            "schema => 'marts') where data_file like 's3://lake/postings/%'"
        ).fetchone()
    assert files is not None
    assert files[0] >= 1  # the mart's Parquet is on the store, not on this disk
    listing = urllib.request.urlopen(f"http://{s3_store}/lake?list-type=2", timeout=10).read()
    assert b".parquet" in listing

    with lakehouse.connect_published(lake) as connection:
        connection.execute(f"attach {lakehouse.sql_string(str(demo.database))} as file (read_only)")
        marts = mart_names(connection, "file")
        assert marts == mart_names(connection, "warehouse")
        assert "fct_posting_skills" in marts
        for table in marts:
            file_rows = comparable(connection, "file", table)
            lake_rows = comparable(connection, "warehouse", table)
            counts = connection.execute(
                f"select (select count(*) from ({file_rows})),"
                f" (select count(*) from ({lake_rows})),"
                f" (select count(*) from ({file_rows} except all {lake_rows})),"
                f" (select count(*) from ({lake_rows} except all {file_rows}))"
            ).fetchone()
            assert counts is not None
            assert counts[0] > 0 or table == "candidate_sources", table
            assert counts[0] == counts[1], (table, counts)
            assert counts[2:] == (0, 0), (table, counts)

    # Analysts' own command reads the published night, and nothing else on this machine.
    with pytest.MonkeyPatch.context() as env:
        env.setenv("POSTINGS_DATA_DIR", str(settings.data_dir))
        env.setenv("POSTINGS_WAREHOUSE", settings.warehouse)
        env.setenv("POSTINGS_LAKE_DATA_PATH", settings.lake_data_path)
        env.setenv("POSTINGS_LAKE_S3_ENDPOINT", s3_store)
        for name, value in S3_SETTINGS.items():
            env.setenv(f"POSTINGS_{name.upper()}", value)
        get_settings.cache_clear()
        try:
            counted = CliRunner().invoke(
                app, ["query", "select count(*) as n from marts.dim_postings"]
            )
            outside = CliRunner().invoke(app, ["query", "select * from read_text('/etc/hosts')"])
        finally:
            get_settings.cache_clear()
    assert counted.exit_code == 0, counted.output
    with duckdb.connect(str(demo.database), read_only=True) as connection:
        postings = connection.execute("select count(*) from marts.dim_postings").fetchone()
    assert postings is not None
    assert str(postings[0]) in counted.output
    assert outside.exit_code == 1
    assert "only reads the warehouse" in outside.output


READER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from warehouse.lakehouse import Lakehouse, connect_published

    lake = Lakehouse(sys.argv[1], sys.argv[2], Path(sys.argv[3]))
    stop, out = Path(sys.argv[4]), Path(sys.argv[5])
    seen = []
    while not stop.exists():
        try:
            with connect_published(lake) as connection:
                postings, orphans, skills = connection.execute(
                    "select (select count(*) from marts.dim_postings), "
                    "(select count(*) from marts.fct_posting_skills skills anti join "
                    "marts.dim_postings postings using (posting_id)), "
                    "(select count(*) from marts.fct_posting_skills)"
                ).fetchone()
            seen.append({"postings": postings, "orphans": orphans, "skills": skills})
        except Exception as error:
            seen.append({"error": f"{type(error).__name__}: {error}"})
        time.sleep(0.05)
    out.write_text(json.dumps(seen))
    """
)


def test_a_nightly_into_ducklake_never_shows_readers_a_half_built_night(demo, postgres, tmp_path):
    settings = lake_settings(postgres, "readers", tmp_path)
    lake = settings.lakehouse()
    assert lake is not None
    landing = demo.data_dir / "landing"
    manifests = find_manifests(landing)
    first = [path for path in manifests if "hackernews" not in str(path)]
    assert 0 < len(first) < len(manifests)
    build(settings, lake, landing, first)
    with lakehouse.connect_published(lake) as connection:
        before = connection.execute("select count(*) from marts.dim_postings").fetchone()

    stop = tmp_path / "stop"
    readers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                READER,
                lake.catalog,
                lake.data_path,
                str(lake.scratch_dir),
                str(stop),
                str(tmp_path / f"reader-{number}.json"),
            ],
        )
        for number in range(2)
    ]
    try:
        time.sleep(1.0)  # both readers are reading the first night
        build(settings, lake, landing, manifests)  # the rest: Hacker News's 335 postings
        with lakehouse.connect_published(lake) as connection:
            after = connection.execute("select count(*) from marts.dim_postings").fetchone()
        time.sleep(1.5)  # and now the second
    finally:
        stop.touch()
        for reader in readers:
            reader.wait(timeout=60)
    assert before is not None
    assert after is not None
    assert after[0] > before[0]
    for number in range(2):
        seen = json.loads((tmp_path / f"reader-{number}.json").read_text())
        errors = [entry["error"] for entry in seen if "error" in entry]
        assert not errors, errors[:3]
        counts = {entry["postings"] for entry in seen}
        assert counts <= {before[0], after[0]}, counts
        assert {before[0], after[0]} <= counts  # each reader saw both nights
        assert all(entry["orphans"] == 0 and entry["skills"] > 0 for entry in seen)


def test_an_unreachable_catalog_is_one_clear_error_before_any_crawl(tmp_path, monkeypatch):
    port = PostgresServer().port  # nothing listens there
    monkeypatch.setenv("POSTINGS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv(
        "POSTINGS_WAREHOUSE",
        f"ducklake:postgres:dbname=none host=127.0.0.1 port={port} user=x password=hunter2",
    )
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["demo"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2, result.output
    assert f"port={port}" in result.output
    assert "cannot open the DuckLake" in result.output
    assert "hunter2" not in result.output
    assert not list((tmp_path / "data").rglob("*.run.json"))  # nothing was crawled


def test_nothing_published_yet_is_said_and_a_failed_open_names_the_lake(postgres, tmp_path):
    settings = lake_settings(postgres, "empty", tmp_path)
    lake = settings.lakehouse()
    assert lake is not None
    assert lakehouse.published_snapshot(lake) is None
    with pytest.raises(LakehouseError, match="nothing was published"):
        lakehouse.connect_published(lake)


CRASHING_LOADER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    import warehouse.load as loader
    from warehouse.lakehouse import Lakehouse

    original = loader.load_batch

    def crashing_load_batch(connection, runs, before_commit=None):
        def hook(step):
            if step == "run":  # versions and sightings written, the runs not yet: die
                os.kill(os.getpid(), signal.SIGKILL)
        return original(connection, runs, before_commit=hook)

    loader.load_batch = crashing_load_batch
    lake = Lakehouse(sys.argv[1], sys.argv[2], Path(sys.argv[3]))
    loader.load(lake, Path(sys.argv[4]))
    """
)


def raw_counts(lake: Lakehouse) -> tuple[int, ...]:
    with lakehouse.connect(lake, read_only=True) as connection:
        row = connection.execute(
            "select (select count(*) from raw.crawl_runs), "
            "(select count(*) from raw.posting_versions), (select count(*) from raw.sightings)"
        ).fetchone()
    assert row is not None
    return tuple(row)


def test_loading_into_ducklake_is_atomic_and_idempotent(demo, postgres, tmp_path):
    settings = lake_settings(postgres, "atomic", tmp_path)
    lake = settings.lakehouse()
    assert lake is not None
    landing = demo.data_dir / "landing"
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            CRASHING_LOADER,
            lake.catalog,
            lake.data_path,
            str(lake.scratch_dir),
            str(landing),
        ],
        check=False,
        capture_output=True,
    )
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert raw_counts(lake) == (0, 0, 0)  # the killed batch left nothing behind

    first = load(lake, landing)
    assert not first.failed
    loaded = raw_counts(lake)
    with duckdb.connect(str(demo.database), read_only=True) as connection:
        expected = connection.execute(
            "select (select count(*) from raw.crawl_runs), "
            "(select count(*) from raw.posting_versions), (select count(*) from raw.sightings)"
        ).fetchone()
    assert loaded == expected
    again = load(lake, landing)
    assert all(run.skipped for run in again.runs)
    assert raw_counts(lake) == loaded


@pytest.fixture
def s3_store(tmp_path) -> Iterator[str]:
    """An S3-compatible server (moto's) on 127.0.0.1 with an empty bucket ``lake``."""
    port = PostgresServer().port  # any free port
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                request = urllib.request.Request(f"http://{endpoint}/lake", method="PUT")
                urllib.request.urlopen(request, timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("moto's S3 server did not start")
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=30)
