"""The shipped board catalogue, and the ``include:`` that brings it into the sources file."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from scrapers.discovery import entry_from_url
from scrapers.schedule import parse_schedule
from scrapers.sources import SourceConfigError, load_sources

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = PROJECT_ROOT / "scrapers" / "catalogue" / "boards.yml"


def catalogue_entries() -> list[dict]:
    return yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))["sources"]


def test_every_catalogue_board_is_what_its_seen_url_says():
    """No token is typed by hand: each entry is its `seen` posting link, recognised."""
    entries = catalogue_entries()
    assert len(entries) >= 800
    for entry in entries:
        recognised = entry_from_url(entry["seen"])
        own = {key: entry[key] for key in recognised}
        assert own == recognised, entry


def test_every_catalogue_board_has_a_tier_and_both_tiers_are_used():
    tiers = Counter(entry["schedule"] for entry in catalogue_entries())
    assert set(tiers) == {"nightly", "auto"}, tiers
    for tier in tiers:
        parse_schedule(tier)


def test_the_default_sources_include_the_catalogue_once():
    entries = load_sources(PROJECT_ROOT / "sources.yml")
    keys = [entry.key for entry in entries]
    assert len(keys) == len(set(keys))
    from_catalogue = [entry for entry in entries if "seen" in entry.options]
    assert len(from_catalogue) == len(catalogue_entries())
    assert len(entries) > 1000
    kinds = Counter(entry.kind for entry in from_catalogue)
    assert min(kinds["workday"], kinds["greenhouse"], kinds["ashby"]) > 50, kinds


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_included_files_are_read_after_the_own_entries_relative_to_the_includer(tmp_path):
    write(tmp_path / "more" / "boards.yml", "sources:\n  - {kind: lever, site: spotify}\n")
    main = write(
        tmp_path / "sources.yml",
        "include: [more/boards.yml]\nsources:\n  - {kind: greenhouse, board: anthropic}\n",
    )
    assert [entry.key for entry in load_sources(main)] == [
        "greenhouse:anthropic",
        "lever:spotify",
    ]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, r"sources file not found: .*gone\.yml \(included by .*sources\.yml\)"),
        (
            {"gone.yml": "sources:\n  - {kind: greenhouse}\n"},
            r"gone\.yml: source #1 \(greenhouse\)",
        ),
        (
            {"gone.yml": "sources:\n  - {kind: greenhouse, board: anthropic}\n"},
            r"gone\.yml: source #1: greenhouse:anthropic is listed twice .* also at "
            r".*sources\.yml: source #1",
        ),
        ({"gone.yml": "include: [sources.yml]\nsources: []\n"}, r"a loop"),
        ({"gone.yml": "boards: []\n"}, r"gone\.yml \(included by .*\): expected a top-level"),
    ],
)
def test_a_bad_include_is_refused_naming_the_file(tmp_path, files, message):
    for name, text in files.items():
        write(tmp_path / "sub" / name, text)
    main = write(
        tmp_path / "sub" / "sources.yml",
        "include: [gone.yml]\nsources:\n  - {kind: greenhouse, board: anthropic}\n",
    )
    with pytest.raises(SourceConfigError, match=message):
        load_sources(main)
