"""The study's questions (queries/*.sql) and `postings report` on the demo warehouse.

The warehouse is the session's demo warehouse (tests/e2e/conftest.py), built exactly as `make
demo` builds it.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from warehouse.cli import app
from warehouse.config import PROJECT_ROOT, get_settings
from warehouse.report import study_table

pytestmark = pytest.mark.slow

QUERIES_DIR = PROJECT_ROOT / "queries"
QUERY_FILES = sorted(QUERIES_DIR.glob("*.sql"))


def run(database: Path, sql_file: Path) -> list[dict]:
    with duckdb.connect(str(database), read_only=True) as connection:
        cursor = connection.execute(sql_file.read_text(encoding="utf-8"))
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_every_study_question_has_a_query_file_with_a_header():
    assert [path.name for path in QUERY_FILES] == [
        "01_theme_share_ml_vs_ds.sql",
        "02_top_skills_by_theme_production.sql",
        "03_industries_hiring_ml_engineers.sql",
        "04_term_frequency_study_table.sql",
        "05_monthly_trend.sql",
        "06_activities_ways_of_working_organisation.sql",
    ]
    for path in QUERY_FILES:
        header = path.read_text(encoding="utf-8").splitlines()[0]
        assert header.startswith("-- Question (ANALYSIS.md"), path.name


@pytest.mark.parametrize("sql_file", QUERY_FILES, ids=lambda path: path.stem)
def test_query_runs_and_returns_rows(demo_db, sql_file):
    rows = run(demo_db, sql_file)

    assert rows, f"{sql_file.name} returned nothing"


def test_ml_engineers_show_the_production_theme_more_than_data_scientists(demo_db):
    rows = {
        row["theme_id"]: row for row in run(demo_db, QUERIES_DIR / "01_theme_share_ml_vs_ds.sql")
    }

    assert {"software_engineering", "data", "production", "systems"} <= set(rows)
    assert len(rows) == 21  # every category of the study, zero shares included
    production = rows["production"]
    assert production["ml_engineer_postings"] >= 10
    assert production["ml_engineer_share"] > 0.25
    assert production["ml_engineer_share"] > production["data_scientist_share"]
    assert all(0 <= row["ml_engineer_share"] <= 1 for row in rows.values())


def test_skills_that_go_with_production_include_ml_and_python(demo_db):
    rows = run(demo_db, QUERIES_DIR / "02_top_skills_by_theme_production.sql")
    skills = {row["skill_name"] for row in rows}

    assert {"Python", "Machine learning"} <= skills
    assert all(
        row["production_mentioning_postings_count"] <= row["production_postings_count"]
        for row in rows
    )


def test_ml_engineers_are_hired_mostly_by_computer_and_software(demo_db):
    rows = run(demo_db, QUERIES_DIR / "03_industries_hiring_ml_engineers.sql")

    assert rows[0]["industry_bucket"] == "computer_software"
    assert sum(row["share_of_ml_engineer_postings"] for row in rows) == pytest.approx(1, abs=0.01)


def test_term_frequency_table_lists_production_terms_for_ml_engineers(demo_db):
    rows = run(demo_db, QUERIES_DIR / "04_term_frequency_study_table.sql")
    production = [row for row in rows if row["theme_id"] == "production"]

    assert production
    assert [row["term_rank"] for row in production] == list(range(1, len(production) + 1))
    assert all(0 < row["mention_share"] <= 1 for row in rows)


def test_monthly_trend_has_the_four_themes_for_each_month_and_role(demo_db):
    rows = run(demo_db, QUERIES_DIR / "05_monthly_trend.sql")
    per_cell: dict[tuple, set[str]] = {}
    for row in rows:
        per_cell.setdefault((row["posting_month"], row["role_family"]), set()).add(row["theme_id"])

    assert {role for _, role in per_cell} == {"ml_engineer", "data_scientist"}
    assert all(
        themes == {"software_engineering", "data", "production", "systems"}
        for themes in per_cell.values()
    )


def test_activities_ways_of_working_and_organisation_are_all_there(demo_db):
    rows = run(demo_db, QUERIES_DIR / "06_activities_ways_of_working_organisation.sql")

    assert {row["theme_group"] for row in rows} == {"activity", "way_of_working", "organisation"}
    assert len(rows) == 17


def test_query_command_runs_a_query_file(demo_db, monkeypatch):
    monkeypatch.setenv("POSTINGS_DB", str(demo_db))
    get_settings.cache_clear()

    result = CliRunner().invoke(
        app, ["query", "--file", str(QUERIES_DIR / "03_industries_hiring_ml_engineers.sql")]
    )
    get_settings.cache_clear()

    assert result.exit_code == 0, result.output
    assert "computer_software" in result.output


def test_report_prints_the_study_table(demo_db, monkeypatch):
    monkeypatch.setenv("POSTINGS_DB", str(demo_db))
    get_settings.cache_clear()

    result = CliRunner().invoke(app, ["report", "--top", "5"])
    get_settings.cache_clear()

    assert result.exit_code == 0, result.output
    for heading in (
        "Themes: what the postings ask for",
        "What they do (activities)",
        "How they work (ways of working)",
        "Where they sit (organisation)",
        "Top 5 skills",
        "Industries (study buckets)",
    ):
        assert heading in result.output
    assert "ml_engineer (" in result.output
    assert "Production" in result.output


def test_report_shares_match_the_fact_tables(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as connection:
        table = study_table(connection)
        [(ml_engineers, in_production)] = connection.execute("""
            select count(*), count(themes.posting_id)
            from marts.dim_postings as postings
            left join marts.fct_posting_themes as themes
                on postings.posting_id = themes.posting_id and themes.theme_id = 'production'
            where postings.role_family = 'ml_engineer'""").fetchall()

    themes = {label: share for label, share, _ in table.sections[0].rows}
    assert table.role_postings == ml_engineers
    assert themes["Production"] == pytest.approx(in_production / ml_engineers)
    assert [len(section.rows) for section in table.sections[:4]] == [4, 6, 5, 6]
