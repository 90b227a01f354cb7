"""Reading a sources file: every validation error names the entry it is about."""

from __future__ import annotations

import pytest

from scrapers.sources import SourceConfigError, load_sources, parse_entry


@pytest.fixture
def sources_file(tmp_path):
    def write(text: str):
        path = tmp_path / "sources.yml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


def test_entries_become_keyed_sources_with_their_options(sources_file):
    path = sources_file(
        "sources:\n"
        "  - {kind: greenhouse, board: anthropic}\n"
        "  - {kind: lever, site: spotify, delay: 0.5, concurrency: 4}\n"
        "  - {kind: hackernews}\n"
        "  - {kind: jsonld, sitemap: 'https://careers.example.org/sitemap.xml'}\n"
        "  - {kind: jsonld, name: other, urls: ['https://jobs.example.com/1']}\n"
    )

    entries = load_sources(path)

    assert [entry.key for entry in entries] == [
        "greenhouse:anthropic",
        "lever:spotify",
        "hackernews:whoishiring",
        "jsonld:careers.example.org",
        "jsonld:other",
    ]
    assert (entries[1].delay, entries[1].concurrency) == (0.5, 4)
    assert entries[3].slug == "jsonld_careers.example.org"


def test_placeholders_are_substituted_and_disabled_entries_left_out(sources_file):
    path = sources_file(
        "sources:\n"
        "  - {kind: greenhouse, board: anthropic, api_base: '{replay}'}\n"
        "  - {kind: greenhouse, board: stripe, enabled: false}\n"
    )

    [entry] = load_sources(path, {"replay": "http://127.0.0.1:8080"})

    assert entry.options["api_base"] == "http://127.0.0.1:8080"


def test_a_name_makes_a_second_entry_of_the_same_board_distinct(sources_file):
    path = sources_file(
        "sources:\n"
        "  - {kind: greenhouse, board: anthropic}\n"
        "  - {kind: greenhouse, board: anthropic, name: anthropic-eu}\n"
    )

    assert [e.key for e in load_sources(path)] == [
        "greenhouse:anthropic",
        "greenhouse:anthropic-eu",
    ]


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        (
            "  - {kind: greenhouse, board: anthropic}\n  - {kind: nosuchboard, tenant: x}\n",
            r"source #2 \(\{'kind': 'nosuchboard', 'tenant': 'x'\}\): unknown kind 'nosuchboard'; "
            r"known: .*ashby, greenhouse, .*lever",
        ),
        (
            "  - {kind: greenhouse}\n",
            r"source #1 \(greenhouse\): .*missing required option 'board'",
        ),
        (
            "  - {kind: lever, site: '  '}\n",
            r"source #1 \(lever\): .*missing required option 'site'",
        ),
        (
            "  - {kind: greenhouse, board: anthropic, delay: soon}\n",
            r"source #1 \(greenhouse:anthropic\): delay must be a number",
        ),
        (
            "  - {kind: greenhouse, board: anthropic, concurrency: 0}\n",
            r"source #1 \(greenhouse:anthropic\): concurrency out of range",
        ),
        (
            "  - {kind: greenhouse, board: anthropic, delay: -1}\n",
            r"source #1 \(greenhouse:anthropic\): delay out of range",
        ),
        (
            "  - {kind: hackernews, threads: 0}\n",
            r"source #1 \(hackernews\): threads must be a whole number from 1 to 50, got 0",
        ),
        (
            "  - {kind: hackernews, story_ids: 47975571}\n",
            r"source #1 \(hackernews\): story_ids must be a list of HN item ids",
        ),
        (
            "  - {kind: jsonld, name: careers}\n",
            r"source #1 \(jsonld\): .*one of 'sitemap', 'robots', 'urls' is required",
        ),
        (
            "  - {kind: jsonld, urls: 'https://jobs.example.com/1'}\n",
            r"source #1 \(jsonld\): urls must be a list of page URLs",
        ),
        ("  - greenhouse\n", r"source #1: expected a mapping, got 'greenhouse'"),
        (
            "  - {kind: greenhouse, board: anthropic}\n  - {kind: greenhouse, board: anthropic}\n",
            r"source #2: greenhouse:anthropic is listed twice \(give one a `name`\)",
        ),
    ],
)
def test_an_invalid_entry_is_refused_naming_the_entry(sources_file, entries, message):
    with pytest.raises(SourceConfigError, match=message):
        load_sources(sources_file("sources:\n" + entries))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sources: [\n", "not valid YAML"),
        ("boards:\n  - anthropic\n", "top-level 'sources:' list"),
        ("", "top-level 'sources:' list"),
    ],
)
def test_an_invalid_file_is_refused_naming_the_file(sources_file, text, message):
    path = sources_file(text)

    with pytest.raises(SourceConfigError, match=message) as raised:
        load_sources(path)

    assert str(path) in str(raised.value)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(SourceConfigError, match=r"sources file not found: .*absent\.yml"):
        load_sources(tmp_path / "absent.yml")


def test_parse_entry_checks_one_entry():
    entry = parse_entry({"kind": "ashby", "board": "ramp", "company": "Ramp"}, 7)

    assert (entry.kind, entry.key, entry.options["company"]) == ("ashby", "ashby:ramp", "Ramp")
