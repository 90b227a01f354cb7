"""A parser fix reaches every stored version: the next build re-derives them from the payloads.

Nothing is crawled or loaded again: the payloads in raw are all the build needs. The postings
are SYNTHETIC (tests/warehouse/landing.py), with Greenhouse's real payload shape.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

import scrapers.kinds
import scrapers.kinds.greenhouse.parser as greenhouse_parser
from scrapers.parsing import ParseContext, PostingFields
from tests.warehouse.landing import synthetic_posting, write_run
from warehouse import pipeline
from warehouse.config import Settings
from warehouse.load import load

pytestmark = pytest.mark.slow


def build(database: Path, work: Path) -> None:
    settings = Settings(db=database, data_dir=work)
    assert pipeline.transform(
        settings,
        database,
        "build",
        ["--target-path", str(work / "target"), "--log-path", str(work / "logs")],
    )


def titles(database: Path) -> dict[str, str]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return dict(
            connection.execute(
                "select posting_id, title from marts.dim_postings order by 1"
            ).fetchall()
        )


def test_a_changed_parser_rewrites_history_without_crawling(tmp_path, monkeypatch):
    landing, database = tmp_path / "landing", tmp_path / "warehouse.duckdb"
    gh = "greenhouse:acme"
    write_run(
        landing,
        gh,
        "20261101T010000-acme-00000001",
        [
            synthetic_posting(gh, "1", title="ml engineer (m/w/d)"),
            synthetic_posting(gh, "2", title="data scientist"),
        ],
        fetched_at="2026-11-01T01:00:00+00:00",
    )
    write_run(
        landing,
        gh,
        "20261102T010000-acme-00000002",
        [synthetic_posting(gh, "3", title="data engineer")],
        fetched_at="2026-11-02T01:00:00+00:00",
    )
    assert not load(database, landing).failed
    build(database, tmp_path / "first")
    assert titles(database) == {
        f"{gh}:1": "ml engineer (m/w/d)",
        f"{gh}:2": "data scientist",
        f"{gh}:3": "data engineer",
    }

    # The fix: a parser that title-cases titles. Its source changes, and so does the build's
    # fingerprint (a copy of the parser file with the fix stands in for the edited file).
    original = greenhouse_parser.parse

    def fixed(payload: str, context: ParseContext) -> PostingFields:
        fields = original(payload, context)
        fields.title = fields.title.title() if fields.title else None
        return fields

    edited = tmp_path / "parser.py"
    edited.write_text(Path(greenhouse_parser.__file__).read_text() + "\n# title case\n")
    real_inputs = pipeline.code_inputs
    monkeypatch.setattr(pipeline, "code_inputs", lambda: [*real_inputs(), edited])
    monkeypatch.setattr(greenhouse_parser, "parse", fixed)
    scrapers.kinds.parser_for.cache_clear()
    try:
        build(database, tmp_path / "fixed")
    finally:
        scrapers.kinds.parser_for.cache_clear()

    assert titles(database) == {
        f"{gh}:1": "Ml Engineer (M/W/D)",
        f"{gh}:2": "Data Scientist",
        f"{gh}:3": "Data Engineer",
    }
    with duckdb.connect(str(database), read_only=True) as connection:
        [(runs,)] = connection.execute("select count(*) from raw.crawl_runs").fetchall()
        [(full,)] = connection.execute(
            "select full_refresh from meta.dbt_build_state order by built_at desc limit 1"
        ).fetchall()
    assert runs == 2  # nothing crawled or loaded again
    assert full is True


def test_a_parser_file_is_part_of_the_build_fingerprint(tmp_path, monkeypatch):
    project = pipeline.PROJECT_ROOT / "dbt_project"
    before = pipeline.project_fingerprint(project)
    edited = tmp_path / "parser.py"
    edited.write_text("def parse(payload, context): ...\n")
    real_inputs = pipeline.code_inputs
    monkeypatch.setattr(pipeline, "code_inputs", lambda: [*real_inputs(), edited])
    with_file = pipeline.project_fingerprint(project)
    edited.write_text("def parse(payload, context): return None\n")

    assert before != with_file != pipeline.project_fingerprint(project)
    assert Path(greenhouse_parser.__file__) in scrapers.kinds.parser_files()
