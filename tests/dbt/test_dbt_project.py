"""The dbt project built in-process on small raw warehouses: schemas, lifecycle, parsed values.

The raw data is SYNTHETIC (written with the loader's own test helpers and loaded by the real
loader); the real recorded responses go through dbt in tests/e2e. Rules that need no database
(parsing, lifecycle edge cases) are dbt unit tests in the model YAML files.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from tests.warehouse.landing import synthetic_posting, write_run
from warehouse.load import load
from warehouse.schema import create_raw_schema

pytestmark = pytest.mark.slow

PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"


def dbt_build(database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run ``dbt build`` on ``database``, keeping dbt's artefacts out of the project."""
    from dbt.cli.main import dbtRunner

    monkeypatch.setenv("POSTINGS_DB", str(database))
    result = dbtRunner().invoke(
        [
            "build",
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
        ]
    )
    assert result.success, result.exception


def query(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database)) as connection:
        connection.execute("set timezone = 'UTC'")
        return connection.execute(sql).fetchall()


def test_builds_on_an_empty_warehouse_into_the_named_schemas(tmp_path, monkeypatch):
    database = tmp_path / "warehouse.duckdb"
    create_raw_schema(str(database))

    dbt_build(database, tmp_path, monkeypatch)

    schemas = {
        row[0]
        for row in query(database, "select distinct table_schema from information_schema.tables")
    }
    assert {"raw", "staging", "intermediate", "marts"} <= schemas
    assert not any(schema.startswith("main_") for schema in schemas)
    assert query(database, "select count(*) from marts.dim_postings") == [(0,)]


def test_only_complete_runs_close_postings(tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    database = tmp_path / "warehouse.duckdb"
    kept = synthetic_posting(
        "lever:acme", "kept", title="ML Engineer", remote="remote", posted_at="1674959303769"
    )
    dropped = synthetic_posting("lever:acme", "dropped", title="Data Scientist")
    write_run(
        landing,
        "lever:acme",
        "20261101T010000-lever_acme-00000001",
        [kept, dropped],
        fetched_at="2026-11-01T01:00:00+00:00",
    )
    write_run(
        landing,
        "lever:acme",
        "20261102T010000-lever_acme-00000002",
        [kept],
        fetched_at="2026-11-02T01:00:00+00:00",
    )
    write_run(
        landing,
        "lever:acme",
        "20261103T010000-lever_acme-00000003",
        [],
        fetched_at="2026-11-03T01:00:00+00:00",
        errors=1,
        finish_reason="error",
    )
    assert not load(database, landing).failed

    dbt_build(database, tmp_path, monkeypatch)

    assert query(
        database,
        """
        select source_posting_id, is_active, closed_at, times_seen
        from marts.dim_postings order by source_posting_id""",
    ) == [
        ("dropped", False, datetime(2026, 11, 2, 1, tzinfo=UTC), 1),
        ("kept", True, None, 2),
    ]
    assert query(
        database,
        """
        select posting_id, title, work_mode, is_remote, posted_at
        from marts.dim_postings where source_posting_id = 'kept'""",
    ) == [
        (
            "lever:acme:kept",
            "ML Engineer",
            "remote",
            True,
            datetime(2023, 1, 29, 2, 28, 23, 769000, tzinfo=UTC),
        ),
    ]
    assert query(
        database,
        """
        select status, new_posting_count, closed_posting_count, is_latest_complete_run
        from marts.fct_crawl_runs order by run_number""",
    ) == [
        ("succeeded", 2, 0, False),
        ("succeeded", 0, 1, True),
        ("failed", 0, 0, False),
    ]
