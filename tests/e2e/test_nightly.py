"""End to end: `postings nightly` on a small recording of real responses served on 127.0.0.1.

The recording is the bundled one (warehouse/recording, real responses with provenance); each
test serves the routes it needs, so a source can be made to fail or to lose a posting.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from warehouse.cli import app
from warehouse.config import get_settings
from warehouse.replay import RECORDING_DIR, ReplayServer, Route, load_routes

pytestmark = pytest.mark.slow

SOURCES = """
sources:
  - {kind: greenhouse, board: anthropic, api_base: "%(base)s", delay: 0, concurrency: 8}
  - {kind: lever, site: spotify, company: Spotify, api_base: "%(base)s", delay: 0, concurrency: 8}
  - {kind: ashby, board: ramp, company: Ramp, api_base: "%(base)s", delay: 0, concurrency: 8}
  - {kind: hackernews, threads: 1, api_base: "%(base)s", delay: 0, concurrency: 8}
  - {kind: jsonld, name: demo-careers, sitemap: "%(base)s/sitemap.xml", delay: 0, concurrency: 8}
"""


@pytest.fixture
def warehouse_env(tmp_path, monkeypatch):
    monkeypatch.setenv("POSTINGS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("POSTINGS_DB", str(tmp_path / "data" / "warehouse.duckdb"))
    monkeypatch.setenv("POSTINGS_RETRY_BACKOFF_BASE", "0.05")
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def nightly(tmp_path: Path, routes: list[Route]) -> tuple[int, str]:
    with ReplayServer(routes) as server:
        sources = tmp_path / "sources.yml"
        sources.write_text(SOURCES % {"base": server.base_url}, encoding="utf-8")
        result = CliRunner().invoke(app, ["nightly", "--sources", str(sources)])
    return result.exit_code, result.output


def query(tmp_path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(tmp_path / "data" / "warehouse.duckdb"), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_nightly_twice_builds_dim_postings_from_the_sources_own_values(warehouse_env):
    tmp_path = warehouse_env
    routes = load_routes(RECORDING_DIR)

    code, output = nightly(tmp_path, routes)
    assert code == 0, output

    counts = dict(query(tmp_path, "select source, count(*) from marts.dim_postings group by 1"))
    assert counts == {"greenhouse": 4, "lever": 4, "ashby": 4, "hackernews": 335, "jsonld": 2}

    gh = json.loads((RECORDING_DIR / "greenhouse/greenhouse_1.json").read_text())["jobs"][0]
    [row] = query(
        tmp_path,
        f"""
        select source_posting_id, title, company_name, location, url, posted_at, is_active
        from marts.dim_postings where posting_id like '%{gh["id"]}'""",
    )
    assert row[:5] == (
        str(gh["id"]),
        gh["title"],
        gh["company_name"],
        gh["location"]["name"],
        gh["absolute_url"],
    )
    assert row[5].isoformat().startswith("2026-07-10T20:15:41")  # first_published, in UTC
    assert row[6] is True

    first = query(
        tmp_path,
        "select posting_id, title, company_name, location, url, posted_at, "
        "first_seen_at from marts.dim_postings order by posting_id",
    )
    versions = query(tmp_path, "select count(*) from raw.posting_versions")

    code, output = nightly(tmp_path, routes)
    assert code == 0, output

    assert (
        query(
            tmp_path,
            "select posting_id, title, company_name, location, url, posted_at, "
            "first_seen_at from marts.dim_postings order by posting_id",
        )
        == first
    )
    assert query(tmp_path, "select count(*) from raw.posting_versions") == versions
    assert query(tmp_path, "select count(distinct crawl_run_id) from raw.sightings") == [(10,)]
    for source in ("greenhouse", "lever", "ashby", "hackernews", "jsonld"):
        assert source in output


def test_failed_source_closes_nothing_and_others_load(warehouse_env):
    tmp_path = warehouse_env
    routes = load_routes(RECORDING_DIR)
    code, output = nightly(tmp_path, routes)
    assert code == 0, output

    broken = [r for r in routes if r.path != "/v0/postings/spotify"]
    broken.append(
        Route(
            path="/v0/postings/spotify",
            body=b"<html>maintenance</html>",
            status=503,
            content_type="text/html",
        )
    )
    code, output = nightly(tmp_path, broken)

    assert code == 0, output
    assert "failed" in output
    assert query(
        tmp_path,
        "select status from raw.crawl_runs where source_key = 'lever:spotify' order by started_at",
    ) == [("succeeded",), ("failed",)]
    assert query(
        tmp_path,
        "select count(*), bool_and(is_active) from marts.dim_postings where source = 'lever'",
    ) == [(4, True)]


def test_nothing_crawled_exits_non_zero(warehouse_env):
    code, output = nightly(warehouse_env, [])
    assert code == 2, output
    assert "nothing at all could be crawled" in output


def test_a_night_with_nothing_due_still_publishes_why_each_board_waited(warehouse_env):
    """A weekly board crawled tonight is not due at the next run: that run crawls nothing, yet
    its decision (not due, and why) reaches the published warehouse and its staging model."""
    tmp_path = warehouse_env
    routes = load_routes(RECORDING_DIR)
    with ReplayServer(routes) as server:
        sources = tmp_path / "sources.yml"
        sources.write_text(
            "sources:\n"
            f'  - {{kind: greenhouse, board: anthropic, api_base: "{server.base_url}", '
            "delay: 0, schedule: weekly}\n",
            encoding="utf-8",
        )
        first = CliRunner().invoke(app, ["nightly", "--sources", str(sources)])
        assert first.exit_code == 0, first.output
        requests_after_first = len(server.requests)
        second = CliRunner().invoke(app, ["nightly", "--sources", str(sources)])
    assert second.exit_code == 0, second.output
    assert "0 of 1 sources due tonight" in second.output, second.output
    assert len(server.requests) == requests_after_first  # nothing asked of the board

    decisions = query(
        tmp_path,
        "select is_due, reason from staging.stg_raw__schedule_decisions "
        "where source_key = 'greenhouse:anthropic' order by decided_at",
    )
    assert [is_due for is_due, _ in decisions] == [True, False], decisions
    assert decisions[1][1].startswith("weekly"), decisions
