"""Write every posting of a spider run to one append-only landing file, then a run manifest.

The landing file is written as ``<run>.jsonl.part`` and renamed to ``<run>.jsonl`` only when the
spider closes; the manifest ``<run>.run.json`` (requests, postings, errors, status) is written
last. The loader only picks up runs that have a manifest, so a crawl killed mid-run leaves a
``.part`` file that is never half-loaded.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self, cast

import orjson
from scrapy import signals
from scrapy.exceptions import DropItem

from scrapers.items import JobPostingItem
from scrapers.landing import (
    ENVELOPE_FIELDS,
    LANDING_SUFFIX,
    MANIFEST_SUFFIX,
    PART_SUFFIX,
    RunManifest,
    compose_manifest,
    describe_os_error,
    envelope_batch,
    envelope_bytes_line,
    manifest_stats,
    new_crawl_run_id,
    run_status,
    source_directory,
    utc_now,
    write_json_atomically,
)

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from scrapers.landing_writer import LandingWriter
    from scrapers.spiders.base import PostingsSpider

logger = logging.getLogger(__name__)

__all__ = [
    "MANIFEST_SUFFIX",
    "LandJobPostingPipeline",
    "new_crawl_run_id",
    "run_status",
    "utc_now",
    "write_json_atomically",
]


def envelope_line(item: JobPostingItem) -> bytes:
    """One landing line (without its newline): the envelope's fields as they are, by orjson.

    No ``asdict`` (it deep-copies every field); orjson is several times faster than
    ``json.dumps`` on payload-sized strings. A payload whose UTF-8 the spider kept
    (``payload_bytes``) goes in as those bytes made a JSON string
    (``scrapers.landing.envelope_bytes_line``), the same bytes orjson would write for the text.
    A lone surrogate (which orjson refuses) is kept, escaped, rather than the record lost.
    """
    record: dict[str, Any] = {name: getattr(item, name) for name in ENVELOPE_FIELDS}
    encoded = payload_bytes(item)
    try:
        if encoded is not None:
            return envelope_bytes_line(record, encoded)
        return orjson.dumps(record)
    except TypeError:
        record["payload"] = item.payload
        return json.dumps(record, ensure_ascii=True).encode("ascii")


def payload_bytes(item: JobPostingItem) -> bytes | None:
    """The payload's UTF-8 as the spider kept it, if it did and the payload is still that text."""
    encoded = item.encoded_payload
    if encoded is not None and encoded[0] is item.payload:
        return encoded[1]
    return None


def content_hash(item: JobPostingItem) -> str:
    """sha256 of the payload's UTF-8 (from the bytes the spider kept, when it kept them)."""
    encoded = payload_bytes(item)
    if encoded is None:
        encoded = item.payload.encode("utf-8", "surrogatepass")
    return hashlib.sha256(encoded).hexdigest()


class LandJobPostingPipeline:
    """Append each posting, stamped with the run id, fetch time and content hash.

    In a crawler that offloads its file work (a night's, ``scrapers.night``), a source's first
    page of postings waits in memory and its landing file is opened only when a second page
    comes or the postings pass ``HELD_BYTES``: a source of one page (most boards) has its file
    created, written, fsynced and renamed in one go on the offload thread when it closes, and
    the crawl's thread makes no file-system call for it. Until then a crawl killed mid-run
    leaves nothing of that source behind, as it would leave an unloaded ``.part``.
    """

    #: The most a source's postings are held in memory before its landing file is opened.
    HELD_BYTES = 2 * 2**20

    def __init__(self, crawler: Crawler, landing_dir: Path) -> None:
        self.crawler = crawler
        self.landing_dir = landing_dir
        self.handle: Any = None
        self.postings = 0
        self.started_at = utc_now()
        self.crawl_run_id = ""
        self.part_path = Path()
        self.final_path = Path()
        #: Why the landing file could not be written (the disk is full...), once it failed.
        self.write_error: str | None = None
        self.offload: Callable[[Callable[[], None]], Awaitable[None]] | None = None
        #: The landing lines held until the file is opened (see the class docstring).
        self.held: list[bytes] = []
        self.held_bytes = 0
        #: True from ``open_spider`` until the landing file is opened (or known not to be).
        self.file_pending = False
        #: The night's landing writer process (``scrapers.landing_writer``), when there is one:
        #: it writes the file and the manifest, and ``run_number`` is this run's there.
        self.writer: LandingWriter | None = None
        self.run_number: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        landing_dir = Path(crawler.settings.get("POSTINGS_LANDING_DIR", "data/landing"))
        pipeline = cls(crawler, landing_dir)
        #: Runs the run's last file work (fsync, rename, manifest), returning an awaitable: a
        #: night's crawler hands it to a thread, so that one source's fsyncs (a sixth of a
        #: 100,000-posting crawl, on the crawl's thread) do not stall the others' downloads.
        pipeline.offload = getattr(crawler, "postings_offload", None)
        pipeline.writer = getattr(crawler, "postings_landing_writer", None)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def _spider(self) -> PostingsSpider:
        """The crawler's spider: every spider of this project is a PostingsSpider."""
        spider = self.crawler.spider
        if spider is None:
            raise RuntimeError("the landing pipeline runs only inside an open crawl")
        return cast("PostingsSpider", spider)

    def open_spider(self) -> None:
        spider = self._spider()
        self.crawl_run_id = getattr(spider, "crawl_run_id", None) or new_crawl_run_id(
            spider.source_key
        )
        spider.crawl_run_id = self.crawl_run_id
        directory = source_directory(self.landing_dir, spider.name, spider.source_key)
        self.final_path = directory / f"{self.crawl_run_id}{LANDING_SUFFIX}"
        self.part_path = directory / f"{self.crawl_run_id}{PART_SUFFIX}"
        self.started_at = utc_now()
        if self.writer is not None and self.writer.alive:
            self.run_number = self.writer.open(spider.source_key, self.part_path, self.final_path)
            return
        self.file_pending = True
        if self.offload is None:
            self.open_file()

    def open_file(self) -> None:
        """Create the run's ``.part`` file (and its folder), then write what was held.

        Raises OSError when the folder or file cannot be made (``open_spider`` lets it fail the
        source's start; later, the caller notes it with ``landing_failed``).
        """
        self.file_pending = False
        self.part_path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = self.part_path.open("wb")
        # Held while the crawl writes: the next start removes a .part only when no one holds it.
        fcntl.flock(self.handle.fileno(), fcntl.LOCK_EX)
        held, self.held, self.held_bytes = self.held, [], 0
        for data in held:
            self.handle.write(data)

    def process_item(self, item: JobPostingItem) -> JobPostingItem:
        if not self.process_items([item]):
            raise DropItem(f"not landed: {self.write_error}")
        return item

    def process_items(self, items: list[JobPostingItem]) -> list[JobPostingItem]:
        """Land the items of one page with one write; return those landed (all or none).

        They share one ``fetched_at`` (the page's items reached the pipeline together). Once
        the landing file cannot be written, nothing more is landed: each item is counted as
        dropped and the run fails (``landing_failed``).
        """
        if not items:
            return items
        if self.write_error is None:
            fetched_at = utc_now()
            for item in items:
                item.crawl_run_id = self.crawl_run_id
                item.fetched_at = fetched_at
            if self.run_number is not None:
                assert self.writer is not None
                if self.writer.append_envelopes(self.run_number, self.batch(items, fetched_at)):
                    self.postings += len(items)
                    return items
                self.writer_lost()
            else:
                lines = []
                for item in items:
                    if item.content_hash is None:
                        item.content_hash = content_hash(item)
                    lines.append(envelope_line(item))
                lines.append(b"")
                data = b"\n".join(lines)
                try:
                    if self.file_pending and not self.held and len(data) <= self.HELD_BYTES:
                        self.held.append(data)  # the first page: it may be the only one
                        self.held_bytes = len(data)
                    elif self.file_pending:
                        self.held.append(data)
                        self.open_file()
                    else:
                        self.handle.write(data)
                except OSError as error:
                    self.landing_failed(error)
                else:
                    self.postings += len(items)
                    return items
        self.crawler.stats.inc_value("postings/item_dropped/landing_write_failed", len(items))
        logger.warning("Dropped %d postings: not landed: %s", len(items), self.write_error)
        return []

    def batch(self, items: list[JobPostingItem], fetched_at: str) -> bytes:
        """The page's envelopes for the landing writer process, which makes their lines (and
        hashes their payloads' bytes) off the crawl's thread; an item whose payload is only
        text has its line made here (``scrapers.landing.envelope_batch``)."""
        entries: list[tuple[dict[str, Any], bytes] | bytes] = []
        for item in items:
            encoded = payload_bytes(item)
            if encoded is None:
                if item.content_hash is None:
                    item.content_hash = content_hash(item)
                entries.append(envelope_line(item))
            else:
                entries.append((vars(item), encoded))
        try:
            return envelope_batch(self.crawl_run_id, fetched_at, entries)
        except TypeError:  # a field orjson does not write: every line made here
            for item in items:
                if item.content_hash is None:
                    item.content_hash = content_hash(item)
            made: list[tuple[dict[str, Any], bytes] | bytes] = [envelope_line(i) for i in items]
            return envelope_batch(self.crawl_run_id, fetched_at, made)

    def fail(self, message: str) -> None:
        """Note, once, why the run fails, landing nothing: logged and counted as an error."""
        if self.write_error is None:
            self.write_error = message
            logger.error("%s", message)
            self.crawler.stats.inc_value("postings/errors")

    def not_written(self, why: str) -> str:
        """The message of a landing file that could not be written, and why."""
        source_key = self._spider().source_key
        return f"{source_key}: the landing file {self.part_path} could not be written: {why}"

    def landing_failed(self, error: OSError) -> None:
        """The landing file cannot be written (the disk is full...): the run fails."""
        if self.write_error is None:
            self.fail(self.not_written(describe_os_error(error)))

    def writer_lost(self) -> None:
        """The night's landing writer is gone: this run fails, landing nothing."""
        if self.write_error is None:
            why = self.writer.death if self.writer is not None else None
            self.fail(self.not_written(why or "the landing writer stopped"))

    def abandon(self, message: str) -> None:
        """Land nothing of this run: it fails (its file is removed, its manifest says why).

        A worker of a shared frontier (``scrapers.worker``) that lost its lease on the source
        calls it: another worker crawls the source again, and only that run may land.
        """
        self.fail(message)

    def close_spider(self) -> None:
        """No item comes any more: the landing file is made durable now, or, when the crawler
        offloads it, with the manifest (``spider_closed``), on another thread, in that order."""
        if self.offload is None and self.run_number is None:
            self.make_durable()  # which flushes, once: a failed flush fails the run there

    def make_durable(self) -> None:
        """fsync the landing file and rename it to its final name (or remove it if it failed).

        A file still pending is created now, with what was held (nothing, for a run that landed
        no posting: its file is empty, as it always was). A run of the landing writer that
        never started is dropped there (the runner reports it).
        """
        if self.run_number is not None:
            assert self.writer is not None
            self.writer.drop(self.run_number)
            self.run_number = None
            return
        if self.file_pending:
            if self.write_error is not None:
                self.file_pending, self.held = False, []
                return
            try:
                self.open_file()
            except OSError as error:
                self.landing_failed(error)
                if self.handle is None:
                    return
        if self.handle is None:
            return
        try:
            if self.write_error is None:
                self.handle.flush()
                os.fsync(self.handle.fileno())
        except OSError as error:
            self.landing_failed(error)
        finally:
            with contextlib.suppress(OSError):  # closing flushes again: it may fail the same way
                self.handle.close()
            self.handle = None
        if self.write_error is None:
            self.part_path.replace(self.final_path)
        else:  # an incomplete file is never loaded; the next start would remove it anyway
            self.part_path.unlink(missing_ok=True)

    def spider_closed(self, spider: PostingsSpider, reason: str) -> Any:
        """Write the run manifest once the landing file is complete.

        The counters and messages are read here, on the crawl's thread; the file work after
        them runs where ``offload`` puts it (an awaitable is returned, for the night to
        wait on).
        """
        stats = dict(self.crawler.stats.get_stats()) if self.crawler.stats else {}
        messages = list(getattr(spider, "error_messages", []))
        if self.run_number is not None:
            return self.written_by_writer(self.manifest_draft(spider, reason, stats, messages))
        if self.offload is None:
            self.write_manifest(spider, reason, stats, messages)
            return None
        return self.offload(lambda: self.write_manifest(spider, reason, stats, messages))

    def manifest_draft(
        self, spider: PostingsSpider, reason: str, stats: dict[str, Any], messages: list[str]
    ) -> dict[str, Any]:
        """What the crawl knows of the run, for ``compose_manifest``."""
        return {
            "crawl_run_id": self.crawl_run_id,
            "source_key": spider.source_key,
            "source_kind": spider.name,
            "started_at": self.started_at,
            "reason": reason,
            "postings": self.postings,
            "stats": manifest_stats(stats),
            "messages": messages,
            "landing_file": self.final_path.name,
            "manifest": str(self.manifest_path),
            "write_error": self.write_error,
        }

    @property
    def manifest_path(self) -> Path:
        return self.final_path.with_name(self.crawl_run_id + MANIFEST_SUFFIX)

    async def written_by_writer(self, draft: dict[str, Any]) -> None:
        """Wait for the landing writer to write the run's file and manifest; log how it went.

        A writer that died first leaves the run failed: its ``.part`` is removed and its
        manifest is written here, saying why.
        """
        assert self.writer is not None
        assert self.run_number is not None
        outcome = await self.writer.finish(self.run_number, draft)
        self.run_number = None
        source_key, run_id = draft["source_key"], self.crawl_run_id
        if "writer_died" in outcome:
            self.writer_lost()
            self.part_path.unlink(missing_ok=True)
            counted = draft["write_error"] is not None  # known before the stats were read
            manifest = compose_manifest(draft, self.write_error, error_counted=counted)
            self.write_manifest_file(source_key, manifest)
            return
        if outcome.get("write_error"):
            self.fail(outcome["write_error"])
        if outcome.get("manifest_error"):
            logger.error(
                "%s: the manifest of run %s could not be written: %s",
                source_key,
                run_id,
                outcome["manifest_error"],
            )
            return
        logger.info(
            "%s: run %s %s with %d postings, %d errors",
            source_key,
            run_id,
            outcome["status"],
            outcome["postings"],
            outcome["errors"],
        )

    def write_manifest(
        self, spider: PostingsSpider, reason: str, stats: dict[str, Any], messages: list[str]
    ) -> None:
        """Make the landing file durable, then write the manifest that makes it loadable.

        ``stats`` were read before the file's last flush (on the crawl's thread, when the
        crawler offloads this): a flush or fsync that fails here is counted here.
        """
        written_so_far = self.write_error is None
        self.make_durable()
        counted = not (written_so_far and self.write_error is not None and self.offload)
        draft = self.manifest_draft(spider, reason, stats, messages)
        manifest = compose_manifest(draft, self.write_error, error_counted=counted)
        if self.write_manifest_file(spider.source_key, manifest):
            logger.info(
                "%s: run %s %s with %d postings, %d errors",
                spider.source_key,
                self.crawl_run_id,
                manifest.status,
                manifest.postings,
                manifest.errors,
            )

    def write_manifest_file(self, source_key: str, manifest: RunManifest) -> bool:
        """Write the manifest; a failure is logged (the runner reports the run as failed)."""
        try:
            # A run that never opened its landing file (it failed first) has no folder yet.
            self.final_path.parent.mkdir(parents=True, exist_ok=True)
            manifest.write(self.manifest_path)
        except OSError as error:  # the runner reports the run as failed (if it can write that)
            logger.error(
                "%s: the manifest of run %s could not be written: %s",
                source_key,
                self.crawl_run_id,
                describe_os_error(error),
            )
            return False
        return True
