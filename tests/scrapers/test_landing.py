"""The landing contract: one folder name and one manifest for the writer, runner and loader."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import duckdb
import pytest

from scrapers.landing import (
    MAX_FOLDER_BYTES,
    ManifestError,
    RunManifest,
    source_directory,
    source_folder_name,
)
from warehouse.load import load

LONG_NAME = "n" * 300
#: Boards and names that the writer and the runner once put in two different folders.
ODD_SOURCES = {
    "greenhouse:zürich": "zürich",
    "greenhouse:ml, ai": "ml, ai",
    "greenhouse:a/b": "a/b",
    f"greenhouse:{LONG_NAME}": "anthropic",
}


def test_plain_keys_keep_their_folder_names_and_odd_ones_get_a_hash():
    assert source_folder_name("greenhouse:anthropic") == "greenhouse_anthropic"
    assert source_folder_name("jsonld:careers.example.org") == "jsonld_careers.example.org"
    assert source_folder_name("greenhouse:zürich") == "greenhouse_zürich"
    odd = [
        source_folder_name(key)
        for key in (
            "greenhouse:a/b",
            "greenhouse:a_b",
            "greenhouse:ml, ai",
            "greenhouse:..",
            f"greenhouse:{LONG_NAME}",
            f"greenhouse:{LONG_NAME}x",
        )
    ]
    assert len(set(odd)) == len(odd)  # never two keys in one folder
    assert all("/" not in name and name not in (".", "..") for name in odd)
    assert all(len(name.encode()) <= MAX_FOLDER_BYTES for name in odd)
    assert source_folder_name("greenhouse:a/b") == source_folder_name("greenhouse:a/b")  # stable


def test_a_manifest_of_an_older_release_still_loads_and_a_broken_one_is_named(tmp_path):
    old = {
        "crawl_run_id": "r1",
        "source_key": "lever:acme",
        "source_kind": "lever",
        "started_at": "2026-01-01T00:00:00+00:00",
        "status": "succeeded",
        "postings": "3",
        "landing_file": "r1.jsonl",
        "some_field_of_the_future": 1,
    }
    path = tmp_path / "r1.run.json"
    path.write_text(json.dumps(old), encoding="utf-8")

    manifest = RunManifest.read(path)

    assert (manifest.postings, manifest.errors, manifest.counters) == (3, 0, {})
    assert manifest.landing_path(path) == tmp_path / "r1.jsonl"
    assert RunManifest.from_dict(manifest.to_dict()) == manifest
    path.write_text(json.dumps({**old, "status": ""}), encoding="utf-8")
    with pytest.raises(ManifestError, match=r"r1.run.json: run manifest has no 'status'"):
        RunManifest.read(path)


def test_any_board_name_lands_is_found_and_is_recorded_once(run_crawl, route_to, tmp_path):
    """Synthetic names, real recorded Greenhouse page."""
    routes = [
        route_to(f"/v1/boards/{quote(board, safe='')}/jobs", "greenhouse/greenhouse_1.json")
        for board in {*ODD_SOURCES.values()}
    ]
    entries = "".join(
        f'  - {{kind: greenhouse, board: {json.dumps(board)}, api_base: "{{replay}}", delay: 0'
        + (f", name: {key.split(':', 1)[1]}" if board == "anthropic" else "")
        + "}\n"
        for key, board in ODD_SOURCES.items()
    )

    result = run_crawl("sources:\n" + entries, routes)

    landing = tmp_path / "landing"
    for key in ODD_SOURCES:
        manifest = result.manifest(key)
        assert (manifest["status"], manifest["postings"]) == ("succeeded", 4), key
        folder = source_directory(landing, "greenhouse", key)
        assert (folder / f"{manifest['crawl_run_id']}.run.json").is_file(), key
        assert (folder / manifest["landing_file"]).is_file(), key
    assert len(list(landing.rglob("*.run.json"))) == len(ODD_SOURCES)  # no failed twin
    database = tmp_path / "warehouse.duckdb"
    load(database, landing)
    load(database, landing)
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute("select source_key, status from raw.crawl_runs").fetchall()
    assert sorted(rows) == sorted((key, "succeeded") for key in ODD_SOURCES)


def test_the_runner_reports_a_crawl_that_could_not_report_under_its_own_run_id(tmp_path: Path):
    from scrapers.runner import failed_manifest
    from scrapers.sources import parse_entry

    entry = parse_entry({"kind": "greenhouse", "board": "zürich"}, 1)

    path = failed_manifest(entry, tmp_path, "crawl failed: boom", "20260101T000000-x-1")

    manifest = RunManifest.read(path)
    assert path.parent == source_directory(tmp_path, "greenhouse", "greenhouse:zürich")
    assert (manifest.crawl_run_id, manifest.status) == ("20260101T000000-x-1", "failed")


@pytest.mark.parametrize("kind", ["teamtailor", "personio"])
def test_a_subdomain_that_is_not_one_is_named_as_the_subdomain_option(kind):
    from scrapers.sources import SourceConfigError, parse_entry

    with pytest.raises(SourceConfigError, match=r"subdomain must be a .* subdomain.*, got 'a/b'"):
        parse_entry({"kind": kind, "subdomain": "a/b"}, 1)


def test_the_writer_keeps_non_ascii_text_and_escapes_a_lone_surrogate(make_spider, tmp_path):
    """Synthetic envelopes: one with non-ASCII text, one whose payload still holds a lone
    surrogate (spiders replace them; an envelope built elsewhere may not): both land, the first
    as UTF-8, the second escaped, and both read back as they were."""
    from scrapers.items import JobPostingItem
    from scrapers.kinds.greenhouse.spider import GreenhouseSpider
    from scrapers.pipelines.land import LandJobPostingPipeline

    spider = make_spider(GreenhouseSpider, board="zürich")
    pipeline = LandJobPostingPipeline(spider.crawler, tmp_path)
    pipeline.open_spider()
    payloads = ['{"title":"Ingénieure ML · Zürich"}', '{"title":"bad \ud800 text"}']
    for number, payload in enumerate(payloads):
        pipeline.process_item(
            JobPostingItem(
                source_kind="greenhouse",
                source_key=spider.source_key,
                source_posting_id=str(number),
                url=None,
                payload=payload,
            )
        )
    pipeline.handle.close()

    lines = pipeline.part_path.read_bytes().splitlines()
    assert "Ingénieure ML · Zürich".encode() in lines[0]
    assert b"\\ud800" in lines[1]
    assert [json.loads(line)["payload"] for line in lines] == payloads


def test_a_payload_landed_from_its_bytes_is_byte_for_byte_the_text_landed():
    """A payload whose UTF-8 the spider kept lands as orjson would write its text."""
    from scrapers.items import JobPostingItem
    from scrapers.pipelines.land import envelope_line
    from scrapers.spiders.base import dump_payload_bytes

    record = {
        "id": 7,
        "title": 'Say "hi" \\ back',
        "content": "&lt;p&gt;Line\none\ttab \x01 \u2028 caf\u00e9 \u4eba \U0001f600 \x7f</p>",
        "nested": [{"a": None, "b": 1.5, "c": True}],
    }
    encoded = dump_payload_bytes(record)
    assert isinstance(encoded, bytes)
    text = encoded.decode("utf-8")

    def item(encoded_payload: tuple[str, bytes] | None = None) -> JobPostingItem:
        return JobPostingItem(
            source_kind="greenhouse",
            source_key="greenhouse:acme",
            source_posting_id="7",
            url="http://127.0.0.1/x",
            payload=text,
            content_hash="h",
            encoded_payload=encoded_payload,
        )

    from_bytes = envelope_line(item((text, encoded)))
    assert from_bytes == envelope_line(item())
    assert json.loads(from_bytes)["payload"] == text
    # Once the payload is no longer the text those bytes were, the bytes are not used.
    changed = item((text, encoded))
    changed.payload = text.replace("hi", "ho")
    assert json.loads(envelope_line(changed))["payload"] == changed.payload
