"""Boards that find themselves (warehouse.candidates, ``postings sources discover / add``).

The links come from the real May 2026 "Who is hiring?" thread of the demo recording
(hackernews/hn_algolia_comments_full_1.json): its comments link their companies' boards.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from scrapers.normalize import html_to_text
from tests.conftest import fixture_path
from warehouse.candidates import LINKS_SQL, clean_link, find_candidates
from warehouse.cli import app
from warehouse.config import get_settings
from warehouse.replay import ReplayServer, Route

FETCHED = datetime(2026, 5, 2, 3, 0, tzinfo=UTC)


def hn_links() -> list[tuple]:
    """The links of every top-level comment, read as the marts' model reads them."""
    hits = json.loads(fixture_path("hackernews/hn_algolia_comments_full_1.json").read_bytes())
    rows = [
        (
            f"hackernews:default:{hit['objectID']}",
            "hackernews:default",
            None,
            None,
            html_to_text(hit["comment_text"]),
            FETCHED,
        )
        for hit in hits["hits"]
        if hit.get("comment_text") and hit.get("parent_id") == hit.get("story_id")
    ]
    with duckdb.connect() as connection:
        connection.execute(
            "create table versions (posting_id varchar, source_key varchar, url varchar, "
            "apply_url varchar, description_text varchar, fetched_at timestamptz)"
        )
        connection.executemany("insert into versions values (?, ?, ?, ?, ?, ?)", rows)
        return connection.execute(LINKS_SQL).fetchall()


def test_real_comments_name_boards_of_known_platforms():
    candidates = find_candidates(hn_links(), set())

    keys = {candidate.source_key for candidate in candidates}
    assert len(candidates) >= 30  # many real boards in one month's thread
    assert {"ashby:baseten", "ashby:Railway"} <= keys
    assert {candidate.source_kind for candidate in candidates} >= {"ashby", "lever", "greenhouse"}
    baseten = next(c for c in candidates if c.source_key == "ashby:baseten")
    assert baseten.entry == {"kind": "ashby", "board": "baseten"}
    assert baseten.seen_in == {"hackernews:default"}
    assert baseten.first_seen_at == baseten.last_seen_at == FETCHED


def test_boards_already_crawled_are_not_candidates():
    everything = find_candidates(hn_links(), set())
    known = {everything[0].source_key, "ashby:baseten"}

    keys = {candidate.source_key for candidate in find_candidates(hn_links(), known)}

    assert not keys & known
    assert len(keys) == len(everything) - 2


def test_a_link_loses_the_punctuation_of_its_sentence_and_others_are_ignored():
    rows = [
        ("p1", "remoteok:all", "https://jobs.lever.co/acme.", None),
        ("p2", "remoteok:all", "https://jobs.lever.co/acme/123-abc),", None),
        ("p3", "remoteok:all", "https://example.com/careers", None),
        ("p4", "remoteok:all", "not a link", None),
    ]

    [acme] = find_candidates(rows, set())

    assert clean_link("https://jobs.lever.co/acme.") == "https://jobs.lever.co/acme"
    assert (acme.source_key, acme.posting_ids) == ("lever:acme", {"p1", "p2"})


@pytest.fixture
def warehouse(tmp_path, monkeypatch) -> Path:
    """A warehouse file whose marts.candidate_sources holds two SYNTHETIC candidates: a board
    served on 127.0.0.1 (the recorded Greenhouse answer) and one whose host cannot answer."""
    database = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("POSTINGS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("POSTINGS_DB", str(database))
    get_settings.cache_clear()
    yield database
    get_settings.cache_clear()


def write_candidates(database: Path, entries: list[dict]) -> None:
    with duckdb.connect(str(database)) as connection:
        connection.execute("create schema marts")
        connection.execute(
            "create table marts.candidate_sources (candidate_source_key varchar, "
            "source_kind varchar, sources_entry varchar, link_example varchar, "
            "postings_linking bigint, seen_in_sources varchar, first_seen_at timestamptz, "
            "last_seen_at timestamptz)"
        )
        for number, (key, entry) in enumerate(entries):
            connection.execute(
                "insert into marts.candidate_sources values (?, ?, ?, ?, ?, ?, null, null)",
                [
                    key,
                    entry["kind"],
                    json.dumps(entry),
                    "https://example.test",
                    5 - number,
                    "hackernews:default",
                ],
            )


def test_discover_lists_the_boards_the_sources_file_does_not(warehouse, tmp_path):
    write_candidates(
        warehouse,
        [
            ("ashby:baseten", {"kind": "ashby", "board": "baseten"}),
            ("lever:acme", {"kind": "lever", "site": "acme"}),
        ],
    )
    sources = tmp_path / "sources.yml"
    sources.write_text("sources:\n  - {kind: lever, site: acme}\n", encoding="utf-8")

    result = CliRunner().invoke(app, ["sources", "discover", "--sources", str(sources)])

    assert result.exit_code == 0, result.output
    assert "ashby:baseten" in result.output
    assert "lever:acme" not in result.output
    assert "1 boards not in" in result.output


def test_discover_on_a_warehouse_without_the_mart_says_so(warehouse, tmp_path):
    duckdb.connect(str(warehouse)).close()
    sources = tmp_path / "sources.yml"
    sources.write_text("sources: []\n", encoding="utf-8")

    result = CliRunner().invoke(app, ["sources", "discover", "--sources", str(sources)])

    assert result.exit_code == 2
    assert "no marts.candidate_sources yet: run postings transform" in result.output


def test_add_from_candidates_adds_only_the_boards_that_answer(warehouse, tmp_path):
    routes = [
        Route(
            path="/v1/boards/anthropic/jobs",
            file=fixture_path("greenhouse/greenhouse_1.json"),
            content_type="application/json",
        )
    ]
    sources = tmp_path / "sources.yml"
    sources.write_text("sources:\n  - {kind: lever, site: spotify}\n", encoding="utf-8")
    with ReplayServer(routes) as server:
        write_candidates(
            warehouse,
            [
                (
                    "greenhouse:anthropic",
                    {
                        "kind": "greenhouse",
                        "board": "anthropic",
                        "api_base": server.base_url,
                        "delay": 0,
                    },
                ),
                # nothing listens on port 9 of 127.0.0.1: this board does not answer
                (
                    "greenhouse:gone",
                    {
                        "kind": "greenhouse",
                        "board": "gone",
                        "api_base": "http://127.0.0.1:9",
                        "delay": 0,
                    },
                ),
            ],
        )
        result = CliRunner().invoke(
            app, ["sources", "add", "--from-candidates", "--sources", str(sources)]
        )

    assert result.exit_code == 0, result.output
    assert "added 1 of 2 candidate boards" in result.output
    written = sources.read_text(encoding="utf-8")
    assert "board: anthropic" in written
    assert "gone" not in written
    assert "site: spotify" in written  # what was there stays
