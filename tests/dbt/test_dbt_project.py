"""The dbt project built in-process on small raw warehouses: schemas, lifecycle, parsed values.

The raw data is SYNTHETIC (written with the loader's own test helpers and loaded by the real
loader); the real recorded responses go through dbt in tests/e2e. Rules that need no database
(parsing, lifecycle edge cases) are dbt unit tests in the model YAML files.
"""

from __future__ import annotations

import json
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


def test_impossible_values_become_null_with_their_issue_and_hidden_characters_go(
    tmp_path, monkeypatch
):
    """SYNTHETIC Lever records with the values hostile or broken sources have sent."""
    from tests.reliability.conftest import outcome

    landing = tmp_path / "landing"
    database = tmp_path / "warehouse.duckdb"
    records = [
        synthetic_posting(
            "lever:acme",
            "infinite",
            posted_at="Infinity",
            salaryRange={
                "min": "Infinity",
                "max": "NaN",
                "currency": "USD",
                "interval": "per-year-salary",
            },
        ),
        synthetic_posting("lever:acme", "epoch-2286", posted_at="9999999999999"),
        synthetic_posting("lever:acme", "old", posted_at="1990-01-01"),
        synthetic_posting("lever:acme", "next-year", posted_at="2028-06-01"),
        synthetic_posting("lever:acme", "fine", posted_at="2026-10-30T10:00:00Z"),
        synthetic_posting(
            "lever:acme",
            "hidden",
            title="Data\x00 Engineer\u202e\u2066",
            company_name="Acme\u202d Co\x07",
        ),
    ]
    write_run(
        landing,
        "lever:acme",
        "20261101T010000-lever_acme-00000001",
        records,
        fetched_at="2026-11-01T01:00:00+00:00",
    )
    assert not load(database, landing).failed

    dbt_build(database, tmp_path, monkeypatch)

    rows = {
        row[0]: row[1:]
        for row in query(
            database,
            """
        select source_posting_id, cast(posted_at as varchar), posted_at_issue, salary_min,
               salary_max, salary_issue, title, company_name
        from marts.dim_postings""",
        )
    }
    expected_dates = {
        "infinite": (None, "not_finite"),
        "epoch-2286": (None, "more_than_a_year_ahead"),
        "old": (None, "before_1995"),
        "next-year": (None, "more_than_a_year_ahead"),
        "fine": ("2026-10-30 10:00:00+00", None),
    }
    observed_dates = {key: rows[key][:2] for key in expected_dates}
    clean = rows["hidden"][5:] == ("Data Engineer", "Acme Co")
    outcome(
        "value",
        "Infinity / 13-digit epoch / 1990 dates; NaN salary",
        "lever:acme",
        "null with *_issue",
        str(sorted({issue for _, issue in observed_dates.values() if issue})),
        observed_dates == expected_dates,
    )
    outcome(
        "value",
        "NUL and bidi overrides in title and company",
        "lever:acme",
        "removed (raw kept)",
        repr(rows["hidden"][5:]),
        clean,
    )
    assert observed_dates == expected_dates
    assert rows["infinite"][2:5] == (None, None, "not_finite_amount")
    assert rows["hidden"][5:] == ("Data Engineer", "Acme Co")
    [(raw_payload,)] = query(
        database, "select payload from raw.posting_versions where source_posting_id = 'hidden'"
    )
    assert json.loads(raw_payload)["text"] == "Data\x00 Engineer\u202e\u2066"
