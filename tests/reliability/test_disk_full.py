"""A full disk, and what a bad night leaves behind: clear messages, nothing raised twice, nothing
left forever, nothing landed and never loaded. The postings are SYNTHETIC
(tests/warehouse/landing.py); a full disk is an ``OSError(ENOSPC)`` raised where the write is."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest
from scrapy.utils.test import get_crawler
from typer.testing import CliRunner

from scrapers.items import JobPostingItem
from scrapers.kinds.greenhouse.spider import GreenhouseSpider
from scrapers.landing import remove_abandoned
from scrapers.pipelines.land import LandJobPostingPipeline
from tests.reliability.conftest import outcome
from tests.warehouse.landing import synthetic_posting, write_run
from warehouse import cli
from warehouse.config import get_settings
from warehouse.load import LoadError, connect, load_batch, pending_run, read_manifest
from warehouse.publish import build_path, building, publish


def no_space(path: str = "somewhere") -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)


class FullDiskFile:
    """A file handle on a full disk: every write fails."""

    def __init__(self, handle):
        self.handle = handle

    def write(self, text):
        raise no_space(self.handle.name)

    def __getattr__(self, name):
        return getattr(self.handle, name)


def test_the_landing_writer_fails_the_run_clearly_when_the_disk_is_full(tmp_path):
    crawler = get_crawler(GreenhouseSpider, {"POSTINGS_LANDING_DIR": str(tmp_path)})
    spider = GreenhouseSpider.from_crawler(crawler, options={"kind": "greenhouse", "board": "acme"})
    crawler.spider = spider
    crawler.stats.open_spider()
    pipeline = LandJobPostingPipeline.from_crawler(crawler)
    pipeline.open_spider()
    pipeline.handle = FullDiskFile(pipeline.handle)
    item = JobPostingItem(
        source_kind="greenhouse",
        source_key="greenhouse:acme",
        source_posting_id="1",
        url="https://x.example/1",
        payload="{}",
    )

    from scrapy.exceptions import DropItem

    with pytest.raises(DropItem, match="the disk is full"):
        pipeline.process_item(item)
    pipeline.close_spider()
    pipeline.spider_closed(spider, "finished")

    [manifest_path] = tmp_path.rglob("*.run.json")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    ok = manifest["status"] == "failed" and "the disk is full" in manifest["error_summary"]
    outcome(
        "disk",
        "disk full while landing",
        "greenhouse:acme",
        "run failed, message says so",
        f"{manifest['status']}: {manifest['error_summary'][:60]}",
        ok,
    )
    assert (manifest["status"], manifest["postings"], manifest["landing_file"]) == (
        "failed",
        0,
        None,
    )
    assert "the disk is full" in manifest["error_summary"]
    assert list(tmp_path.rglob("*.part")) == []


class FlushFails:
    """A file handle whose writes are buffered but whose flush finds the disk full."""

    def __init__(self, handle):
        self.handle = handle

    def flush(self):
        raise no_space(self.handle.name)

    def __getattr__(self, name):
        return getattr(self.handle, name)


def test_a_last_flush_that_fails_on_the_offload_thread_fails_the_run_and_is_counted(tmp_path):
    """In a night the crawl's thread no longer flushes at close: the offloaded flush finds the
    full disk, after the counters were read, and the manifest still counts it."""
    crawler = get_crawler(GreenhouseSpider, {"POSTINGS_LANDING_DIR": str(tmp_path)})
    spider = GreenhouseSpider.from_crawler(crawler, options={"kind": "greenhouse", "board": "acme"})
    crawler.spider = spider
    crawler.stats.open_spider()
    pipeline = LandJobPostingPipeline.from_crawler(crawler)
    offloaded = []
    pipeline.offload = offloaded.append  # run by hand below, as the night's thread would
    pipeline.open_spider()
    pipeline.HELD_BYTES = 0  # open the file at the first page
    items = [
        JobPostingItem(
            source_kind="greenhouse",
            source_key="greenhouse:acme",
            source_posting_id=str(number),
            url=f"https://x.example/{number}",
            payload="{}",
        )
        for number in range(2)
    ]
    assert pipeline.process_items(items[:1])
    assert pipeline.process_items(items[1:])
    pipeline.handle = FlushFails(pipeline.handle)
    pipeline.close_spider()
    pipeline.spider_closed(spider, "finished")
    [write_manifest] = offloaded
    write_manifest()

    [manifest_path] = tmp_path.rglob("*.run.json")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    assert (manifest["status"], manifest["postings"], manifest["errors"]) == ("failed", 0, 1)
    assert "the disk is full" in manifest["error_summary"]
    assert list(tmp_path.rglob("*.part")) == []
    assert list(tmp_path.rglob("*.jsonl")) == []


class RollbackFails:
    """A DuckDB connection whose rollback fails too, as it may on a full disk."""

    def __init__(self, connection):
        self.connection = connection

    def rollback(self):
        raise duckdb.IOException("Could not write file: No space left on device")

    def __getattr__(self, name):
        return getattr(self.connection, name)


def test_a_load_that_runs_out_of_disk_says_so_once_and_its_rollback_does_not_raise(tmp_path):
    landing = tmp_path / "landing"
    path = write_run(
        landing, "greenhouse:acme", "run-1", [synthetic_posting("greenhouse:acme", "1")]
    )
    connection = connect(tmp_path / "w.duckdb")

    def full(step):
        if step == "versions":
            raise no_space(str(tmp_path / "w.duckdb"))

    try:
        with pytest.raises(LoadError) as raised:
            load_batch(
                RollbackFails(connection),
                [pending_run(path, read_manifest(path))],
                before_commit=full,
            )
    finally:
        connection.close()
    message = str(raised.value)
    ok = "the disk is full" in message and isinstance(raised.value.__cause__, OSError)
    outcome(
        "disk",
        "disk full while loading, rollback fails too",
        "greenhouse:acme",
        "one clear LoadError",
        message[:70],
        ok,
    )
    assert "greenhouse:acme: run run-1" in message
    assert "the disk is full" in message
    assert isinstance(raised.value.__cause__, OSError)


def test_a_command_that_runs_out_of_disk_exits_with_a_message_not_a_traceback(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("POSTINGS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("POSTINGS_DB", str(tmp_path / "data" / "warehouse.duckdb"))
    get_settings.cache_clear()

    def full(*args, **kwargs):
        raise duckdb.IOException('Could not write file "w.duckdb": No space left on device')

    monkeypatch.setattr("warehouse.load.load", full)
    try:
        result = CliRunner().invoke(cli.app, ["load"])
    finally:
        get_settings.cache_clear()
    ok = result.exit_code == cli.DISK_FULL_EXIT and "the disk is full" in result.output
    outcome(
        "disk",
        "disk full during `postings load`",
        "postings load",
        f"exit {cli.DISK_FULL_EXIT}, a message",
        f"exit {result.exit_code}",
        ok,
    )
    assert result.exit_code == cli.DISK_FULL_EXIT, result.output
    assert "error: the disk is full" in result.output
    assert "Traceback" not in result.output


def test_leftovers_of_a_dead_night_are_removed_at_the_next_start_but_not_a_live_crawl(tmp_path):
    public = tmp_path / "warehouse.duckdb"
    landing = tmp_path / "landing"
    folder = landing / "lever" / "lever_acme"
    folder.mkdir(parents=True)
    dead, live = folder / "run-1.jsonl.part", folder / "run-2.jsonl.part"
    dead.write_text("{}\n", encoding="utf-8")
    publishing = tmp_path / ".warehouse.duckdb.publishing-4242"
    publishing.write_bytes(b"half a copy")
    spill = build_path(public).with_name("warehouse.duckdb.tmp")
    spill.mkdir(parents=True)
    with live.open("w") as writer:
        fcntl.flock(writer.fileno(), fcntl.LOCK_EX)  # as the landing writer holds it
        removed = remove_abandoned(landing)
        with building(public):
            pass
        assert live.exists()
    ok = not dead.exists() and not publishing.exists() and not spill.exists()
    outcome(
        "disk",
        "leftover .part / .publishing-* / spill dir",
        "the next start",
        "removed (a live crawl's .part kept)",
        "removed" if ok else "left",
        ok,
    )
    assert removed == [dead]
    assert not dead.exists()
    assert not publishing.exists()
    assert not spill.exists()


def test_publishing_renames_the_build_copy_instead_of_making_a_third(tmp_path, monkeypatch):
    public = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(public)) as connection:
        connection.execute("create table t as select 1 as v")

    with building(public) as build:
        with duckdb.connect(str(build)) as connection:
            connection.execute("create or replace table t as select 2 as v")

        def no_copies(*args, **kwargs):
            raise AssertionError("publish copied the warehouse")

        monkeypatch.setattr(shutil, "copyfile", no_copies)
        publish(build, public)

    with duckdb.connect(str(public), read_only=True) as connection:
        value = connection.execute("select v from t").fetchone()[0]
    ok = value == 2 and not build.exists()
    outcome(
        "disk",
        "publishing",
        "warehouse.publish",
        "a rename, no third copy",
        "renamed" if ok else "copied",
        ok,
    )
    assert value == 2
    assert not build.exists()
    assert list(tmp_path.glob(".warehouse.duckdb.publishing-*")) == []


def test_a_nightly_loads_the_runs_an_earlier_failed_night_landed(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("POSTINGS_DATA_DIR", str(data))
    monkeypatch.setenv("POSTINGS_DB", str(data / "warehouse.duckdb"))
    get_settings.cache_clear()
    settings = get_settings()
    landing = settings.landing_dir
    earlier = write_run(
        landing, "lever:acme", "run-earlier", [synthetic_posting("lever:acme", "1")]
    )
    tonight = write_run(
        landing, "lever:acme", "run-tonight", [synthetic_posting("lever:acme", "2")]
    )
    from warehouse.pipeline import CrawlResult

    def crawl(*args, **kwargs):  # tonight's crawl landed tonight's run only
        return CrawlResult(manifests=[json.loads(tonight.read_text())], manifest_paths=[tonight])

    monkeypatch.setattr(cli, "run_crawl", crawl)
    monkeypatch.setattr(cli, "run_transform", lambda *args, **kwargs: True)
    try:
        code = cli.crawl_load_transform(settings, Path("sources.yml"))
    finally:
        get_settings.cache_clear()

    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as connection:
        runs = sorted(
            row[0]
            for row in connection.execute("select crawl_run_id from raw.crawl_runs").fetchall()
        )
    ok = runs == ["run-earlier", "run-tonight"]
    outcome(
        "disk",
        "runs landed on a failed night",
        "postings nightly",
        "loaded by the next nightly",
        ", ".join(runs),
        ok,
    )
    assert code == 0
    assert runs == ["run-earlier", "run-tonight"]
    assert earlier.exists()
