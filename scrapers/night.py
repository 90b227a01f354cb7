"""One Scrapy crawler for a whole night: every source in it, each with its own bookkeeping.

Before this module every source entry was its own Scrapy crawler. That cost a crawler (and a deep
copy of the settings) per board, a robots.txt fetch per board rather than per host, and it let
the crawlers of several boards on one host exceed that host's delay and concurrency together.
Now the night is one crawler whose spider, :class:`NightSpider`, carries one :class:`SourceRun`
per entry:

* each source's spider is the kind's own spider class, built against a :class:`SourceCrawler`:
  the night's settings and engine, but stats and signals of its own, so its counters, its
  validate and landing pipelines, its landing file and its manifest are exactly what they were
  when it had a crawler to itself;
* every request a source makes is stamped with the source (``meta["postings_source"]``) and its
  callback and errback go through the night spider, which counts the source's requests still in
  flight: when none is left, the source is finished (landing file renamed, manifest written)
  while the rest of the night goes on;
* politeness is per host for the whole night: Scrapy's download slots are keyed by host (with
  its port), so every source of one host shares that host's delay and concurrency, and robots.txt
  is fetched once per host (Scrapy's robots middleware caches it per crawler);
* an entry's ``delay`` and ``concurrency`` become the settings of its hosts' slots; when several
  entries of one host set them, the most polite values win (the longest delay, the fewest
  requests in flight); ``max_requests`` stops that source alone.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Self, cast

from scrapy import Request, Spider, signals
from scrapy.core.downloader import Downloader
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.dupefilters import RFPDupeFilter
from scrapy.exceptions import CloseSpider, DropItem, IgnoreRequest, NotConfigured
from scrapy.signalmanager import SignalManager
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy.utils.spider import iterate_spider_output

from scrapers.redact import redact
from scrapers.scope import host_key

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

    from scrapers.landing_writer import LandingWriter
    from scrapers.sources import SourceEntry
    from scrapers.spiders.base import PostingsSpider

logger = logging.getLogger(__name__)

#: The request meta key naming the source a request belongs to.
SOURCE_META = "postings_source"
#: Where a source's own callback and errback wait while the night spider stands in for them.
_CALLBACK_META = "postings_callback"
_ERRBACK_META = "postings_errback"


class SourceStopped(IgnoreRequest):
    """A request of a source that has stopped (its ``max_requests`` reached): not sent."""


class SourceStats(MemoryStatsCollector):
    """Scrapy's in-memory stats, without its deprecation shim on every method lookup.

    Scrapy 2.13+ wraps each stats method, per collector, to warn about a ``spider`` argument
    (an ``inspect.signature`` per method and collector, then a wrapper call per count); a night
    makes a collector per source and counts per request and page. Nothing here passes
    ``spider``.
    """

    __getattribute__ = object.__getattribute__


class SourceCrawler:
    """What one source's spider and pipelines see as their crawler.

    The night's settings, engine and everything else of the real crawler, but stats and signals
    of the source's own: a source's counters and its ``spider_closed`` are its own, so the
    landing pipeline writes one manifest per source, as when each source had a crawler.
    """

    def __init__(self, crawler: Crawler, writer: LandingWriter | None = None) -> None:
        self.night = crawler
        self.settings = crawler.settings
        self.signals = SignalManager(self)
        self.stats = SourceStats(cast("Crawler", self))
        self.spider: Spider | None = None
        #: Where the landing pipeline does a finished source's fsyncs and manifest: a thread,
        #: while the night goes on downloading.
        self.postings_offload = asyncio.to_thread
        #: The night's landing writer process, which writes them instead when there is one.
        self.postings_landing_writer = writer

    def __getattr__(self, name: str) -> Any:
        return getattr(self.night, name)


@dataclass(eq=False)
class SourceRun:
    """One source's part of the night: its spider, pipelines and requests still in flight."""

    entry: SourceEntry
    crawler: SourceCrawler
    spider: PostingsSpider | None = None
    pipelines: list[Any] = field(default_factory=list)
    #: Requests made and not yet answered (callback or errback run) nor dropped.
    in_flight: int = 0
    #: Items yielded and not yet through the source's pipelines.
    items_in_flight: int = 0
    #: Responses received, for ``max_requests``.
    responses: int = 0
    #: True once the source's start requests are all made.
    started: bool = False
    finished: bool = False
    #: Why the source stopped before its end (``closespider_pagecount``), if it did.
    stop_reason: str | None = None

    @property
    def done(self) -> bool:
        """True once its start is over and no request or item of it is in flight (unfinished)."""
        return (
            self.started and self.in_flight <= 0 and self.items_in_flight <= 0 and not self.finished
        )

    @property
    def keeps_secrets(self) -> bool:
        """True for a kind whose requests carry credentials."""
        spider = self.spider
        return bool(spider is not None and (spider.credential_params or spider.credential_headers))

    @property
    def key(self) -> str:
        """The source key."""
        return self.entry.key

    @property
    def max_requests(self) -> int | None:
        """The entry's bound on responses, if any."""
        value = self.entry.options.get("max_requests")
        if value is None:
            value = self.crawler.settings.getint("POSTINGS_MAX_REQUESTS_PER_SOURCE") or None
        return None if value is None else int(value)

    def count(self, key: str, amount: int = 1) -> None:
        """Increment one of the source's counters."""
        self.crawler.stats.inc_value(key, amount)


def spider_for_request(crawler: Crawler, request: Request) -> Spider:
    """The spider a request belongs to: its source's spider in a night, else the crawler's."""
    spider = crawler.spider
    runs = getattr(spider, "runs", None)
    if isinstance(runs, dict):
        run = runs.get(request.meta.get(SOURCE_META))
        if run is not None and run.spider is not None:
            return cast("Spider", run.spider)
    if spider is None:
        raise RuntimeError("no spider is open")
    return spider


def host_slots(entries: Iterable[SourceEntry], spiders: dict[str, type]) -> dict[str, Any]:
    """``DOWNLOAD_SLOTS`` for a night: the entries' ``delay`` and ``concurrency`` per host.

    A host named by several entries that override them takes the most polite values: the
    longest delay and the fewest requests in flight. Hosts no entry overrides keep the
    project's defaults (``POSTINGS_DOWNLOAD_DELAY``, ``POSTINGS_CONCURRENCY_PER_HOST``).
    """
    slots: dict[str, dict[str, Any]] = {}
    for entry in entries:
        if entry.delay is None and entry.concurrency is None:
            continue
        for host in source_hosts(entry, spiders):
            slot = slots.setdefault(host, {"jitter": 0.0})
            if entry.delay is not None:
                slot["delay"] = max(slot.get("delay", 0.0), entry.delay)
            if entry.concurrency is not None:
                slot["concurrency"] = min(
                    slot.get("concurrency", entry.concurrency), entry.concurrency
                )
    return slots


def source_hosts(entry: SourceEntry, spiders: dict[str, type]) -> set[str]:
    """The hosts an entry's spider may request (its scope), as download slot keys."""
    try:
        spider = spiders[entry.kind](source_key=entry.key, options=entry.options)
        return set(spider.scope_hosts())
    except Exception as error:  # the night reports the entry as failed when it starts it
        logger.debug("%s: no hosts known before it starts: %s", entry.key, error)
        return set()


class HostSlotDownloader(Downloader):
    """Scrapy's downloader with one slot per host and port (``scrapers.scope.host_key``).

    Scrapy keys slots by host name alone, so every local test server (and every service of one
    machine on its own port) would share one delay; a port is another server.
    """

    def get_slot_key(self, request: Request) -> str:
        meta_slot: str | None = request.meta.get(self.DOWNLOAD_SLOT)
        if meta_slot is not None:
            return meta_slot
        return host_key(request.url) or ""


class HostPoolDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler keeping as many connections open per host as a host may use.

    Scrapy keeps ``CONCURRENT_REQUESTS_PER_DOMAIN`` idle connections per host, the project's
    default; a host whose slot allows more in flight (``DOWNLOAD_SLOTS``) had the rest closed
    after each response and opened again for the next request: a TCP (and TLS) handshake per
    request. With the night's largest slot concurrency kept, a host never opens more than its
    own concurrency, and reuses them.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        slots = crawler.settings.getdict("DOWNLOAD_SLOTS")
        largest = max(
            [int(slot.get("concurrency", 0)) for slot in slots.values() if isinstance(slot, dict)],
            default=0,
        )
        self._pool.maxPersistentPerHost = max(self._pool.maxPersistentPerHost, largest)


class SourceDupeFilter(RFPDupeFilter):
    """Scrapy's duplicate filter, per source: a repeat within one source is a repeat, the same
    URL asked by two sources of one night is not (each source lands its own postings)."""

    def _fingerprint(self, request: Request) -> bytes:
        fingerprint = bytes(super()._fingerprint(request))
        source = request.meta.get(SOURCE_META)
        if source is None:
            return fingerprint
        return fingerprint + b"\0" + str(source).encode("utf-8", "surrogatepass")


class NightSpider(Spider):
    """The one spider of a night's crawler: it runs every source entry's own spider."""

    name = "night"

    def __init__(
        self,
        entries: list[SourceEntry] | None = None,
        parallel: int = 64,
        slots: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.entries = list(entries or [])
        self.parallel = max(1, int(parallel))
        #: The slots whose delay an entry set: AutoThrottle must not move them.
        self.fixed_delay_hosts = {host for host, slot in (slots or {}).items() if "delay" in slot}
        self.runs: dict[str, SourceRun] = {}
        #: Every host of the sources started tonight: the night's own requests (a host's
        #: robots.txt) may go to these and nowhere else (``scrapers.scope``).
        self.source_hosts: set[str] = set()
        #: Sources started and not yet finished.
        self.active: set[str] = set()
        #: Sources finished whose files are still being written (``finish``).
        self.closing: set[asyncio.Future[None]] = set()
        self._room = asyncio.Event()
        #: Writes every source's landing file and manifest (``scrapers.landing_writer``),
        #: started with the first source; None when the night writes them itself.
        self.landing_writer: LandingWriter | None = None
        self.writer_unavailable = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider.on_request_sent, signal=signals.request_reached_downloader)
        crawler.signals.connect(spider.on_response, signal=signals.response_received)
        crawler.signals.connect(spider.on_night_closed, signal=signals.spider_closed)
        return spider

    # ------------------------------------------------------------------ sources
    async def start(self) -> AsyncIterator[Any]:
        """Start the sources in their order, at most ``parallel`` at a time."""
        for entry in self.entries:
            while len(self.active) >= self.parallel:
                self._room.clear()
                await self._room.wait()
            run = self.open_run(entry)
            if run is None:
                continue
            async for output in self.start_run(run):
                yield output

    async def start_run(self, run: SourceRun) -> AsyncIterator[Any]:
        """A source's start requests, adopted; then the source is started."""
        spider = run.spider
        assert spider is not None
        try:
            async for output in spider.start():
                if isinstance(output, Request):
                    if run.stop_reason is None:
                        yield self.adopt(run, output)
                else:
                    yield self.batch_of(run, [output])
        except CloseSpider as stop:
            self.stop(run, stop.reason or "cancelled")
        except Exception as error:
            self.callback_failed(run, error, "start")
        run.started = True
        self.settle(run, answered=False)

    def open_run(self, entry: SourceEntry) -> SourceRun | None:
        """Build a source's spider and pipelines; a source that cannot start is reported."""
        from scrapers.spiders import SPIDERS

        assert self.crawler is not None
        source_crawler = SourceCrawler(self.crawler, self.writer())
        run = SourceRun(entry=entry, crawler=source_crawler)
        self.runs[entry.key] = run
        try:
            spider_cls = SPIDERS[entry.kind]
            spider = spider_cls.from_crawler(
                cast("Crawler", source_crawler), source_key=entry.key, options=entry.options
            )
            source_crawler.spider = spider
            run.spider = spider
            self.source_hosts.update(spider.scope_hosts())
            source_crawler.stats.open_spider()
            for pipeline_cls in self.pipeline_classes:
                pipeline = build_from_crawler(pipeline_cls, cast("Crawler", source_crawler))
                run.pipelines.append(pipeline)
            for pipeline in run.pipelines:
                if hasattr(pipeline, "open_spider"):
                    pipeline.open_spider()
        except Exception as error:
            logger.error(
                "%s: the source could not start: %s: %s",
                entry.key,
                type(error).__name__,
                redact(str(error))[:500],
            )
            run.finished = True
            run.spider = None
            # The runner writes the failed manifest (it looks for one for every entry).
            self.close_pipelines(run, durable_now=True)
            return None
        self.active.add(entry.key)
        return run

    def writer(self) -> LandingWriter | None:
        """The night's landing writer process, started at the first source that needs it.

        ``POSTINGS_LANDING_WRITER = "thread"``, or a writer that cannot start (its failure is
        logged) or has died, leave the landing pipeline to write its files in this process.
        """
        assert self.crawler is not None
        if self.crawler.settings.get("POSTINGS_LANDING_WRITER", "process") != "process":
            return None
        if self.landing_writer is None:
            if self.writer_unavailable:
                return None
            from scrapers.landing_writer import LandingWriter

            try:
                self.landing_writer = LandingWriter()
            except OSError as error:
                logger.error(
                    "the landing writer could not start, the crawl writes its files itself: %s",
                    error,
                )
                self.writer_unavailable = True
                return None
        return self.landing_writer if self.landing_writer.alive else None

    @functools.cached_property
    def pipeline_classes(self) -> list[type]:
        """The classes of :meth:`source_pipelines`, imported once a night."""
        return [load_object(path) for path in self.source_pipelines()]

    def source_pipelines(self) -> list[str]:
        """Each source's own item pipelines, in their order (``POSTINGS_SOURCE_PIPELINES``)."""
        assert self.crawler is not None
        configured = self.crawler.settings.getdict("POSTINGS_SOURCE_PIPELINES")
        return [
            path
            for path, order in sorted(configured.items(), key=lambda kv: kv[1])
            if order is not None
        ]

    # ------------------------------------------------------------------ requests
    def adopt(self, run: SourceRun, request: Request) -> Request:
        """Stamp a source's request and stand in for its callback and errback."""
        meta = request.meta
        if request.callback is not self.on_answer:  # a fresh request, not one already adopted
            meta[_CALLBACK_META] = request.callback
            meta[_ERRBACK_META] = request.errback
            request.callback = self.on_answer
            request.errback = self.on_failure
        meta[SOURCE_META] = run.key
        if run.keeps_secrets:  # no page asked with a key is kept (scrapers.conditional)
            meta["dont_cache"] = True
        run.in_flight += 1
        return request

    def run_of(self, request: Request | None) -> SourceRun | None:
        """The source run a request belongs to, if it belongs to one."""
        key = request.meta.get(SOURCE_META) if request is not None else None
        return self.runs.get(key) if isinstance(key, str) else None

    def on_answer(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """A source's response: its own callback runs, its new requests are stamped."""
        run = self.run_of(response.request)
        if run is None or run.spider is None:
            return
        callback = response.meta.get(_CALLBACK_META) or run.spider.parse
        try:
            yield from self.outputs_of(run, callback(response, **kwargs))
        except CloseSpider as stop:  # the source's own spider ends its run (max_pages...)
            self.stop(run, stop.reason or "cancelled")
        except Exception as error:
            self.callback_failed(run, error, getattr(callback, "__name__", "callback"))
        finally:
            self.settle(run)

    def on_failure(self, failure: Failure) -> Iterator[Any]:
        """A source's request that failed: its own errback runs (counted), unless it stopped."""
        request = getattr(failure, "request", None)
        run = self.run_of(request)
        if run is None or run.spider is None:
            return
        try:
            if not isinstance(failure.value, SourceStopped):
                assert request is not None
                errback = request.meta.get(_ERRBACK_META) or run.spider.on_request_failed
                yield from self.outputs_of(run, errback(failure))
        except CloseSpider as stop:  # the source's own spider ends its run (max_pages...)
            self.stop(run, stop.reason or "cancelled")
        except Exception as error:
            self.callback_failed(run, error, "errback")
        finally:
            self.settle(run)

    def outputs_of(self, run: SourceRun, output: Any) -> Iterator[Any]:
        """A callback's requests adopted (none once it stopped), its items in batches.

        The items a callback yields between two requests travel as one :class:`SourceItems`:
        Scrapy's machinery (spider middlewares, the item processor) costs about as much per
        item as landing it, and a page of a board is tens to thousands of postings.
        """
        if output is None:
            return
        batch: list[Any] = []
        try:
            for value in cast("Iterable[Any]", iterate_spider_output(output)):
                if isinstance(value, Request):
                    if batch:
                        yield self.batch_of(run, batch)
                        batch = []
                    if run.stop_reason is not None:
                        run.count("postings/skipped/source_stopped")
                        continue
                    yield self.adopt(run, value)
                else:
                    batch.append(value)
        except Exception:  # what came before the error (or a CloseSpider) is landed
            if batch:
                yield self.batch_of(run, batch)
            raise
        if batch:
            yield self.batch_of(run, batch)

    def batch_of(self, run: SourceRun, items: list[Any]) -> SourceItems:
        """Items of one source, counted in flight until its pipelines have them."""
        run.items_in_flight += 1
        return SourceItems(run.key, items)

    def stop(self, run: SourceRun, reason: str) -> None:
        """Stop one source: no more of its requests are sent; its run ends with ``reason``."""
        if run.stop_reason is None:
            run.stop_reason = reason
            logger.info("%s: stopping: %s", run.key, reason)

    def callback_failed(self, run: SourceRun, error: Exception, where: str) -> None:
        """Count and log an exception a source's code raised; the rest of the night goes on."""
        run.count("spider_exceptions/count")
        run.count(f"spider_exceptions/{type(error).__name__}")
        logger.error(
            "%s: %s raised %s: %s",
            run.key,
            where,
            type(error).__name__,
            redact(str(error))[:500],
            exc_info=error,
        )

    def settle(self, run: SourceRun, answered: bool = True) -> None:
        """One of the source's requests is done; finish the source when none is left."""
        if answered:
            run.in_flight -= 1
        if run.done:
            from twisted.internet import reactor

            # After the current output is handled (its last item landed), not in the middle.
            cast("Any", reactor).callLater(0, self.finish_if_done, run)

    def finish_if_done(self, run: SourceRun) -> None:
        """Finish a source whose requests are all done."""
        if run.done:
            self.finish(run, run.stop_reason or "finished")

    # ------------------------------------------------------------------ signals
    def on_request_dropped(self, request: Request, **kwargs: Any) -> None:
        """A source's request the scheduler refused (a repeat): its spider hears of it."""
        run = self.run_of(request)
        if run is None:
            return
        run.crawler.signals.send_catch_log(
            signal=signals.request_dropped, request=request, spider=run.spider
        )
        self.settle(run)

    def on_request_sent(self, request: Request, **kwargs: Any) -> None:
        """Count a request of a source as the downloader takes it."""
        run = self.run_of(request)
        if run is not None:
            run.count("downloader/request_count")

    def on_response(self, response: Response, request: Request, **kwargs: Any) -> None:
        """Count a source's response; stop the source at its ``max_requests``."""
        run = self.run_of(request)
        if run is None:
            return
        if "cached" in response.flags:  # scrapers.conditional: a kept page stood in
            if not (
                request.headers.get("If-None-Match") or request.headers.get("If-Modified-Since")
            ):
                run.count("postings/unchanged_not_requested")  # its listing says unchanged
                return  # never asked of the server: not a response, not against max_requests
            run.count("postings/not_modified")  # the server answered 304
        run.count("downloader/response_count")
        run.responses += 1
        bound = run.max_requests
        if bound is not None and run.responses >= bound:
            self.stop(run, "closespider_pagecount")

    async def on_night_closed(self, spider: Spider, reason: str) -> None:
        """The night ends: every source still running ends with the night's reason, and the
        night closes once every source's files are written."""
        for run in self.runs.values():
            if not run.finished and run.spider is not None:
                self.finish(run, run.stop_reason or reason)
        if self.closing:
            await asyncio.gather(*self.closing, return_exceptions=True)
        if self.landing_writer is not None:
            await self.landing_writer.close()

    # ------------------------------------------------------------------ finishing
    def finish(self, run: SourceRun, reason: str) -> None:
        """Close the source's pipelines, then tell them it closed (the manifest is written).

        The landing pipeline writes its files on a thread; the source keeps its place among
        the night's ``parallel`` until they are written, and the night waits for them.
        """
        run.finished = True
        self.close_pipelines(run)
        if run.spider is None:
            self.finished(run)
            return
        closing = asyncio.ensure_future(self.source_closed(run, reason))
        self.closing.add(closing)
        closing.add_done_callback(self.closing.discard)

    async def source_closed(self, run: SourceRun, reason: str) -> None:
        """Tell the source's pipelines it closed; wait for the files they write."""
        try:
            await run.crawler.signals.send_catch_log_async(
                signal=signals.spider_closed, spider=run.spider, reason=reason
            )
        finally:
            self.finished(run)

    def finished(self, run: SourceRun) -> None:
        """The source's files are written: its place goes to the next source.

        Its pipelines go too (the validate pipeline keeps every id the run saw): kept to the
        night's end, a crawl of 20,000 boards peaked at 468 MiB; without them, 250 MiB. What
        the runner reads afterwards (the spider's run id, the counters) stays.
        """
        self.active.discard(run.key)
        run.pipelines = []
        self._room.set()

    def close_pipelines(self, run: SourceRun, durable_now: bool = False) -> None:
        """Call every pipeline's ``close_spider``; one that raises does not stop the others.

        ``durable_now``: a source that never started gets no ``spider_closed``, so its landing
        file is finished here rather than on the thread that writes manifests.
        """
        for pipeline in run.pipelines:
            for method in ("close_spider", "make_durable") if durable_now else ("close_spider",):
                close = getattr(pipeline, method, None)
                if close is None:
                    continue
                try:
                    close()
                except Exception:
                    logger.exception("%s: a pipeline failed to close", run.key)


class SourceGateMiddleware:
    """Refuse, before anything else, a request of a source that has stopped.

    Requests a source made before it reached its ``max_requests`` may still wait in the
    scheduler; they are not sent (the night spider settles them without counting an error).
    A request to a host whose delay an entry set (robots.txt included) keeps AutoThrottle from
    moving that delay: the entry's delay is the host's, exactly.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        spider = self.crawler.spider
        if isinstance(spider, NightSpider):
            if host_key(request.url) in spider.fixed_delay_hosts:
                request.meta["autothrottle_dont_adjust_delay"] = True
            run = spider.run_of(request)
            if run is not None and run.stop_reason is not None:
                raise SourceStopped(f"{run.key}: stopped ({run.stop_reason})")


@dataclass(eq=False)
class SourceItems:
    """Items one source's callback yielded together, on their way to its pipelines."""

    source_key: str
    items: list[Any]


class SourcePipelines:
    """The night's item pipeline: each item goes through its own source's pipelines."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not isinstance(crawler.spidercls, type) or not issubclass(
            crawler.spidercls, NightSpider
        ):
            raise NotConfigured("only a night's crawler routes items to source pipelines")
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        spider = cast("NightSpider", self.crawler.spider)
        run = spider.runs.get(getattr(item, "source_key", None) or "")
        if run is None:
            raise ValueError(f"an item of no source of this night: {item!r}"[:300])
        passed = item.items if isinstance(item, SourceItems) else [item]
        try:
            for pipeline in run.pipelines:
                passed = through(pipeline, passed)
        finally:
            if isinstance(item, SourceItems):
                run.items_in_flight -= 1
                spider.settle(run, answered=False)
        return SourceItems(run.key, passed) if isinstance(item, SourceItems) else item


def through(pipeline: Any, items: list[Any]) -> list[Any]:
    """The items that pass one pipeline, in their order.

    A pipeline with ``process_items`` takes a page's items at once (the landing writer writes
    them with one call); any other gets them one by one, and an item it drops is logged as
    Scrapy logs a dropped item while the rest go on.
    """
    process_items = getattr(pipeline, "process_items", None)
    if process_items is not None:
        return list(process_items(items))
    passed = []
    for one in items:
        try:
            passed.append(pipeline.process_item(one))
        except DropItem as dropped:
            logger.warning("Dropped: %s", dropped)
    return passed
