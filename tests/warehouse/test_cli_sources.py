"""`postings sources add | list | check`: boards from careers URLs, and which boards answer."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from warehouse.cli import app
from warehouse.config import get_settings
from warehouse.replay import RECORDING_DIR, ReplayServer, load_routes


@pytest.fixture
def sources_file(tmp_path, monkeypatch):
    monkeypatch.setenv("POSTINGS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("POSTINGS_RETRY_BACKOFF_BASE", "0.01")
    get_settings.cache_clear()
    path = tmp_path / "sources.yml"
    path.write_text(
        "# my boards\nsources:\n  - {kind: greenhouse, board: anthropic}\n", encoding="utf-8"
    )
    yield path
    get_settings.cache_clear()


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def test_add_recognises_a_careers_url_and_keeps_the_comments(sources_file):
    result = invoke(
        "sources",
        "add",
        "https://jobs.lever.co/spotify/b4ad9572-e20f-4185",
        "--sources",
        str(sources_file),
        "--company",
        "Spotify",
    )

    assert result.exit_code == 0, result.output
    assert "lever:spotify" in result.output
    assert sources_file.read_text(encoding="utf-8") == (
        "# my boards\nsources:\n  - {kind: greenhouse, board: anthropic}\n"
        "  - {kind: lever, site: spotify, company: Spotify}\n"
    )
    listed = invoke("sources", "list", "--sources", str(sources_file))
    assert listed.stdout.split() == ["greenhouse:anthropic", "lever:spotify"]


def test_add_refuses_a_duplicate_and_an_unknown_url(sources_file):
    before = sources_file.read_text(encoding="utf-8")

    duplicate = invoke(
        "sources",
        "add",
        "https://job-boards.greenhouse.io/anthropic/jobs/1",
        "--sources",
        str(sources_file),
    )
    unknown = invoke(
        "sources", "add", "https://careers.example.com/jobs", "--sources", str(sources_file)
    )

    assert duplicate.exit_code == 2
    assert "greenhouse:anthropic is already listed" in duplicate.output
    assert unknown.exit_code == 2
    assert "careers.example.com" in unknown.output
    assert sources_file.read_text(encoding="utf-8") == before


def test_check_reports_which_boards_answer(sources_file):
    with ReplayServer(load_routes(RECORDING_DIR)) as server:
        sources_file.write_text(
            "sources:\n"
            f"  - {{kind: greenhouse, board: anthropic, api_base: '{server.base_url}', delay: 0}}\n"
            f"  - {{kind: lever, site: gone, api_base: '{server.base_url}', delay: 0}}\n",
            encoding="utf-8",
        )
        result = invoke("sources", "check", "--sources", str(sources_file))

    assert result.exit_code == 1, result.output
    lines = {
        line.split()[0]: line.split()[1:]
        for line in result.output.splitlines()
        if line.startswith(("greenhouse:", "lever:"))
        and len(line.split()) > 2
        and line.split()[1] in ("yes", "NO")
    }
    assert lines["greenhouse:anthropic"] == ["yes", "4"]
    assert lines["lever:gone"][:2] == ["NO", "lever:gone:"]
    assert "1 of 2 sources answer" in result.output


def test_the_default_sources_file_is_valid_and_covers_every_kind():
    from scrapers.sources import load_sources
    from scrapers.spiders import SPIDERS
    from warehouse.config import PROJECT_ROOT

    entries = load_sources(PROJECT_ROOT / "sources.yml")

    assert len(entries) > 300
    assert {entry.kind for entry in entries} == set(SPIDERS) - {"jsonld"}
