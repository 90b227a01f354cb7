"""The night's landing writer process: the files and manifests it writes are the pipeline's, a full
disk fails its run alone, and a writer that dies fails the runs it held, clearly.

A full disk here is a real one: the run's ``.part`` is made a link to ``/dev/full``, where every
write fails with ``ENOSPC``, so the child process meets the error the way it would on a disk.
The postings are SYNTHETIC.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from scrapy.utils.test import get_crawler

from scrapers.items import JobPostingItem
from scrapers.kinds.greenhouse.spider import GreenhouseSpider
from scrapers.landing import manifest_path
from scrapers.landing_writer import LandingWriter, RunFile, finish_run
from scrapers.pipelines.land import LandJobPostingPipeline


def draft(run_id: str, folder: Path, postings: int, **extra: Any) -> dict[str, Any]:
    """What the crawl sends when a run ends (``LandJobPostingPipeline.manifest_draft``)."""
    return {
        "crawl_run_id": run_id,
        "source_key": "greenhouse:acme",
        "source_kind": "greenhouse",
        "started_at": "2026-12-07T00:00:00+00:00",
        "reason": "finished",
        "postings": postings,
        "stats": {"downloader/request_count": 1, "downloader/response_count": 1},
        "messages": [],
        "landing_file": f"{run_id}.jsonl",
        "manifest": str(folder / f"{run_id}.run.json"),
        "write_error": None,
        **extra,
    }


def run_writer(steps: Any) -> Any:
    """Run ``steps(writer)`` on an event loop with a started writer; close it after."""

    async def main() -> Any:
        writer = LandingWriter()
        try:
            return await steps(writer)
        finally:
            await writer.close()

    return asyncio.run(main())


def test_the_writer_lands_a_run_as_the_pipeline_would(tmp_path):
    folder = tmp_path / "greenhouse" / "greenhouse_acme"
    lines = [b'{"n":1}\n', b'{"n":2}\n' * 200_000]  # the second larger than the pipe

    async def steps(writer: LandingWriter) -> dict[str, Any]:
        number = writer.open("greenhouse:acme", folder / "r1.jsonl.part", folder / "r1.jsonl")
        for data in lines:
            assert writer.append(number, data)
        return await writer.finish(number, draft("r1", folder, 200_001))

    outcome = run_writer(steps)

    assert (outcome["status"], outcome["postings"], outcome["write_error"]) == (
        "succeeded",
        200_001,
        None,
    )
    assert (folder / "r1.jsonl").read_bytes() == b"".join(lines)
    assert not list(tmp_path.rglob("*.part"))
    manifest = json.loads((folder / "r1.run.json").read_text(encoding="utf-8"))
    assert (manifest["status"], manifest["postings"], manifest["landing_file"]) == (
        "succeeded",
        200_001,
        "r1.jsonl",
    )


def test_a_full_disk_fails_its_run_alone_with_the_crawls_message(tmp_path):
    folder = tmp_path / "greenhouse" / "greenhouse_acme"
    folder.mkdir(parents=True)
    (folder / "full.jsonl.part").symlink_to("/dev/full")

    async def steps(writer: LandingWriter) -> list[dict[str, Any]]:
        full = writer.open("greenhouse:acme", folder / "full.jsonl.part", folder / "full.jsonl")
        fine = writer.open("greenhouse:acme", folder / "fine.jsonl.part", folder / "fine.jsonl")
        for number in (full, fine):
            writer.append(number, b'{"n":1}\n')
        return [
            await writer.finish(full, draft("full", folder, 1)),
            await writer.finish(fine, draft("fine", folder, 1)),
        ]

    full, fine = run_writer(steps)

    assert (full["status"], full["postings"], full["errors"]) == ("failed", 0, 1)
    assert "the disk is full" in full["write_error"]
    assert "full.jsonl.part" in full["write_error"]
    manifest = json.loads((folder / "full.run.json").read_text(encoding="utf-8"))
    assert (manifest["status"], manifest["landing_file"]) == ("failed", None)
    assert "the disk is full" in manifest["error_summary"]
    assert not (folder / "full.jsonl.part").exists()
    assert not (folder / "full.jsonl").exists()
    assert fine["status"] == "succeeded"
    assert (folder / "fine.jsonl").read_bytes() == b'{"n":1}\n'


def test_a_run_the_crawl_failed_lands_nothing_and_says_why(tmp_path):
    """A worker that lost its lease on the source (``abandon``): the file goes, the manifest
    fails with the crawl's message, counted once."""
    folder = tmp_path / "f"
    run = RunFile("greenhouse:acme", str(folder / "r.jsonl.part"), str(folder / "r.jsonl"))
    run.write(b'{"n":1}\n')
    stats = {"postings/errors": 1}
    outcome = finish_run(
        run, draft("r", folder, 1, stats=stats, write_error="greenhouse:acme: lease lost")
    )

    assert (outcome["status"], outcome["postings"], outcome["errors"]) == ("failed", 0, 1)
    assert outcome["write_error"] is None  # the crawl knew it already
    assert list(folder.iterdir()) == [folder / "r.run.json"]
    manifest = json.loads((folder / "r.run.json").read_text(encoding="utf-8"))
    assert manifest["error_summary"].startswith("greenhouse:acme: lease lost")


def test_a_writer_that_dies_fails_the_runs_it_held_and_takes_no_more(tmp_path):
    folder = tmp_path / "f"

    async def steps(writer: LandingWriter) -> tuple[dict[str, Any], bool, bool]:
        number = writer.open("greenhouse:acme", folder / "r.jsonl.part", folder / "r.jsonl")
        writer.append(number, b'{"n":1}\n')
        writer.process.kill()
        writer.process.wait()
        outcome = await asyncio.wait_for(writer.finish(number, draft("r", folder, 1)), 10)
        return outcome, writer.alive, writer.append(number, b"more\n")

    outcome, alive, appended = run_writer(steps)

    assert "landing writer" in outcome["writer_died"]
    assert (alive, appended) == (False, False)
    assert not (folder / "r.run.json").exists()  # the pipeline writes it (the next test)


def test_the_pipeline_fails_a_run_whose_writer_died_and_writes_its_manifest(tmp_path):
    crawler = get_crawler(GreenhouseSpider, {"POSTINGS_LANDING_DIR": str(tmp_path)})
    spider = GreenhouseSpider.from_crawler(crawler, options={"kind": "greenhouse", "board": "acme"})
    crawler.spider = spider
    crawler.stats.open_spider()
    item = JobPostingItem(
        source_kind="greenhouse",
        source_key="greenhouse:acme",
        source_posting_id="1",
        url="https://x.example/1",
        payload="{}",
    )

    async def steps(writer: LandingWriter) -> LandJobPostingPipeline:
        pipeline = LandJobPostingPipeline.from_crawler(crawler)
        pipeline.writer = writer
        pipeline.open_spider()
        assert pipeline.run_number is not None
        assert pipeline.process_items([item])
        writer.process.kill()
        writer.process.wait()
        await asyncio.sleep(0.05)  # the pipe's end is seen
        assert not pipeline.process_items([item])  # dropped and counted, not lost silently
        pipeline.close_spider()
        await pipeline.spider_closed(spider, "finished")
        return pipeline

    pipeline = run_writer(steps)

    path = manifest_path(tmp_path, "greenhouse", "greenhouse:acme", pipeline.crawl_run_id)
    manifest = json.loads(path.read_text(encoding="utf-8"))
    assert (manifest["status"], manifest["postings"], manifest["landing_file"]) == (
        "failed",
        0,
        None,
    )
    assert "landing writer" in manifest["error_summary"]
    assert manifest["errors"] == 1
    assert crawler.stats.get_value("postings/item_dropped/landing_write_failed") == 1
    assert not list(tmp_path.rglob("*.part"))
    assert not list(tmp_path.rglob("*.jsonl"))


def test_the_pipeline_lands_through_the_writer_what_it_lands_itself(tmp_path):
    """The same items, landed by the pipeline alone and through the writer: the same lines
    (but for the run id and fetch time) and the same manifest."""
    items = [
        JobPostingItem(
            source_kind="greenhouse",
            source_key="greenhouse:acme",
            source_posting_id=str(number),
            url=f"https://x.example/{number}",
            payload=json.dumps({"id": number, "title": "Machine learning engineer, Zürich ✓"}),
        )
        for number in range(3)
    ]

    def landed(directory: Path, writer: LandingWriter | None) -> Any:
        crawler = get_crawler(GreenhouseSpider, {"POSTINGS_LANDING_DIR": str(directory)})
        spider = GreenhouseSpider.from_crawler(
            crawler, options={"kind": "greenhouse", "board": "acme"}
        )
        crawler.spider = spider
        crawler.stats.open_spider()
        pipeline = LandJobPostingPipeline.from_crawler(crawler)
        pipeline.writer = writer
        pipeline.open_spider()
        pipeline.process_items([JobPostingItem(**vars(item)) for item in items[:2]])
        pipeline.process_items([JobPostingItem(**vars(item)) for item in items[2:]])
        pipeline.close_spider()
        return pipeline, spider

    own, spider = landed(tmp_path / "own", None)
    own.spider_closed(spider, "finished")

    async def steps(writer: LandingWriter) -> None:
        pipeline, spider = landed(tmp_path / "writer", writer)
        await pipeline.spider_closed(spider, "finished")

    run_writer(steps)

    def contents(directory: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        [landing] = directory.rglob("*.jsonl")
        [manifest] = directory.rglob("*.run.json")
        lines = [json.loads(line) for line in landing.read_text(encoding="utf-8").splitlines()]
        for line in lines:
            line.pop("crawl_run_id"), line.pop("fetched_at")
        document = json.loads(manifest.read_text(encoding="utf-8"))
        for name in ("crawl_run_id", "started_at", "finished_at", "landing_file"):
            document.pop(name)
        return lines, document

    assert contents(tmp_path / "own") == contents(tmp_path / "writer")


def test_envelopes_made_lines_in_the_writer_are_byte_for_byte_the_pipelines():
    """A page's envelopes travel as an envelope batch and become lines in the writer process:
    the same bytes, content hash included, as the landing pipeline makes on its own, for
    payloads the spider kept as bytes and for those it has only as text."""
    import orjson

    from scrapers.landing import batch_lines, envelope_batch
    from scrapers.pipelines.land import content_hash, envelope_line

    records = [
        {"id": 1, "title": 'Say "hi" \\ back', "text": "line\nbreak\u2028tab\t\u007f"},
        {"id": 2, "title": "Zürich 😀", "content": "&lt;p&gt;ML&lt;/p&gt;"},
    ]
    items = []
    for record in records:
        encoded = orjson.dumps(record)
        text = encoded.decode("utf-8")
        items.append(
            JobPostingItem(
                source_kind="greenhouse",
                source_key="greenhouse:zürich",
                source_posting_id=str(record["id"]),
                url=f"https://x.example/{record['id']}",
                payload=text,
                source_context={"company": "Zürich AG"},
                encoded_payload=(text, encoded),
                crawl_run_id="run-1",
                fetched_at="2026-12-07T00:00:00+00:00",
            )
        )
    text_only = JobPostingItem(
        source_kind="greenhouse",
        source_key="greenhouse:zürich",
        source_posting_id="3",
        url=None,
        payload='{"id":3,"odd":"\ud800"}',
        crawl_run_id="run-1",
        fetched_at="2026-12-07T00:00:00+00:00",
    )
    text_only.content_hash = content_hash(text_only)

    batch = envelope_batch(
        "run-1",
        "2026-12-07T00:00:00+00:00",
        [*((vars(item), item.encoded_payload[1]) for item in items), envelope_line(text_only)],
    )
    for item in items:
        item.content_hash = content_hash(item)
    expected = b"".join(envelope_line(item) + b"\n" for item in [*items, text_only])

    assert batch_lines(batch) == expected
    assert [json.loads(line)["payload"] for line in expected.splitlines()[:2]] == [
        item.payload for item in items
    ]
