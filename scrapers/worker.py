"""A crawl worker of a shared frontier: it drains a night's sources from Redis with others.

``python -m scrapers.worker --frontier redis://HOST:PORT/DB [--night ID]`` (or ``postings
worker``) reads the night's entries from the frontier (``scrapers.frontier``), builds the night's
settings from all of them, and runs :class:`FrontierNightSpider`: the night's one spider
(``scrapers.night``), whose sources come from claims on the frontier instead of a fixed list.
Up to ``--parallel`` sources run at a time; their leases are renewed every third of their life;
each source is completed in Redis after its manifest is written. A source whose lease is lost
(Redis gone, or the lease expired and another worker took it) stops as ``failed``, landing
nothing, and the frontier gives it to another worker. The worker exits 0 once the night is
drained (no source waits, none is leased), 1 when it lost the frontier, 2 when it could not
reach it at all.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import redis
from scrapy import signals

from scrapers.frontier import (
    Frontier,
    FrontierError,
    Lease,
    WorkerFrontier,
    async_client,
    describe_url,
)
from scrapers.night import NightSpider
from scrapers.pipelines.land import LandJobPostingPipeline

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from scrapers.night import SourceRun
    from scrapers.sources import SourceEntry

logger = logging.getLogger(__name__)

#: Seconds between two looks at the frontier while it has nothing to claim but is not drained.
POLL_SECONDS = 0.5


class FrontierNightSpider(NightSpider):
    """The night's spider, its sources claimed from a shared frontier."""

    name = "night_worker"

    def __init__(
        self,
        frontier_url: str = "",
        night: str = "",
        lease_seconds: float = 30.0,
        landing_dir: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.frontier_url = frontier_url
        self.night = night
        self.lease_seconds = lease_seconds
        self.landing_dir = Path(landing_dir)
        self.by_key = {entry.key: entry for entry in self.entries}
        #: The leases of this worker's sources, started and not yet completed.
        self.leases: dict[str, Lease] = {}
        #: Why the worker lost the frontier, once it did: it claims nothing more.
        self.lost: str | None = None
        self.worker_name = f"{socket.gethostname()}:{os.getpid()}"
        self.frontier: WorkerFrontier | None = None
        #: True while ``start`` claims sources.
        self.claiming = True
        self.keeper: asyncio.Future[None] | None = None

    async def start(self) -> AsyncIterator[Any]:
        """Claim sources until the night is drained, at most ``parallel`` at a time."""
        self.frontier = WorkerFrontier(
            async_client(self.frontier_url), self.night, self.lease_seconds
        )
        # Kept running until this worker holds no lease (its last sources may end after this).
        self.keeper = asyncio.ensure_future(self.keep_leases())
        try:
            while self.lost is None:
                while len(self.active) >= self.parallel and self.lost is None:
                    self._room.clear()
                    await self._room.wait()
                if self.lost is not None:
                    break
                try:
                    lease = await self.frontier.claim()
                    if lease is None:
                        if not self.active and await self.frontier.drained():
                            break
                        self._room.clear()
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(self._room.wait(), POLL_SECONDS)
                        continue
                except redis.RedisError as error:
                    self.lose_frontier(error)
                    break
                async for output in self.start_claimed(lease):
                    yield output
        finally:
            self.claiming = False

    async def start_claimed(self, lease: Lease) -> AsyncIterator[Any]:
        """Open and start one claimed source."""
        from scrapers.runner import failed_manifest

        entry = self.by_key.get(lease.key)
        if entry is None:  # not a source of the night: done, with no run, not claimed again
            logger.error("%s: claimed from the frontier but not among its entries", lease.key)
            assert self.frontier is not None
            try:
                await self.frontier.complete(lease, "", "failed", self.worker_name)
            except redis.RedisError as error:
                self.lose_frontier(error)
            return
        self.leases[lease.key] = lease
        logger.info("%s: claimed (night %s)", entry.key, self.night)
        run = self.open_run(entry)
        if run is None:  # it could not start: a failed run, and the source is done
            path = failed_manifest(entry, self.landing_dir, "the source could not start")
            await self.report(entry, path)
            return
        async for output in self.start_run(run):
            yield output

    async def keep_leases(self) -> None:
        """Renew this worker's leases every third of their life; stop a source that lost it."""
        while self.claiming or self.leases:
            await asyncio.sleep(self.lease_seconds / 3)
            for lease in list(self.leases.values()):
                if not await self.still_held(lease):
                    if self.lost is not None:
                        return
                    self.abandon(lease.key, "its lease expired and another worker took it")

    async def still_held(self, lease: Lease) -> bool:
        """Renew a lease; False when it is not held (the frontier is lost: every source stops)."""
        assert self.frontier is not None
        try:
            return await self.frontier.renew(lease)
        except redis.RedisError as error:
            self.lose_frontier(error)
            return False

    def lose_frontier(self, error: Exception) -> None:
        """Redis is gone: every running source stops as failed, and nothing more is claimed."""
        if self.lost is None:
            self.lost = f"the crawl frontier {describe_url(self.frontier_url)} was lost: {error}"
            logger.error("%s", self.lost)
        for key in list(self.leases):
            self.abandon(key, self.lost)
        self._room.set()

    def abandon(self, key: str, why: str) -> None:
        """Stop a source whose lease is lost: it fails, landing nothing, and is not completed."""
        self.leases.pop(key, None)
        run = self.runs.get(key)
        if run is None or run.finished:
            return
        for pipeline in run.pipelines:
            if isinstance(pipeline, LandJobPostingPipeline):
                pipeline.abandon(f"{key}: stopped, landing nothing: {why}")
        self.stop(run, "lease_lost")

    async def source_closed(self, run: SourceRun, reason: str) -> None:
        """Check the lease, let the source's pipelines write its files, complete it in Redis."""
        from scrapers.landing import manifest_path
        from scrapers.runner import failed_manifest

        lease = self.leases.get(run.key)
        if lease is not None and not await self.still_held(lease):
            self.abandon(run.key, "its lease was lost before its files were written")
        try:
            await run.crawler.signals.send_catch_log_async(
                signal=signals.spider_closed,
                spider=run.spider,
                reason=reason,
            )
            run_id = getattr(run.spider, "crawl_run_id", None)
            path = (
                manifest_path(self.landing_dir, run.entry.kind, run.key, run_id) if run_id else None
            )
            if path is None or not path.exists():
                path = failed_manifest(
                    run.entry, self.landing_dir, "its run could not report (see the log)", run_id
                )
            await self.report(run.entry, path)
        finally:
            self.finished(run)

    async def report(self, entry: SourceEntry, path: Path) -> None:
        """Complete a source in the frontier with its manifest (if this worker holds it)."""
        from scrapers.landing import ManifestError, RunManifest

        lease = self.leases.pop(entry.key, None)
        if lease is None or self.frontier is None:
            return  # lost: the source goes back to the frontier, this run landed nothing
        try:
            status = RunManifest.read(path).status
        except ManifestError as error:
            logger.error("%s", error)
            status = "failed"
        try:
            done = await self.frontier.complete(lease, str(path), status, self.worker_name)
        except redis.RedisError as error:
            self.lose_frontier(error)
            return
        if not done:
            logger.warning("%s: its lease was taken before it could be completed", entry.key)


def worker_settings(
    entries: list[SourceEntry], parallel: int, frontier_url: str, landing_dir: Path
) -> Any:
    """The worker's Scrapy settings: the night's, with politeness moved to the shared gate.

    Each host's delay is kept by the gate alone (``scrapers.frontier.SharedPolitenessMiddleware``)
    across all workers, so the crawler's own slots send as soon as the gate admits a request
    (a local delay on top would push a request past the moment the gate gave it); AutoThrottle
    is off: the night's delays are fixed.
    """
    from scrapy.utils.project import get_project_settings

    from scrapers.redact import install_root_log_handler
    from scrapers.runner import night_settings
    from warehouse.config import get_settings

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "scrapers.settings")
    settings = get_project_settings()
    settings.set("POSTINGS_LANDING_DIR", str(landing_dir), priority="cmdline")
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    install_root_log_handler(
        settings.get("LOG_LEVEL"), settings.get("LOG_FORMAT"), settings.get("LOG_DATEFORMAT")
    )
    night = night_settings(entries, parallel)
    slots = night["DOWNLOAD_SLOTS"]
    night["DOWNLOAD_SLOTS"] = {
        host: {key: value for key, value in slot.items() if key != "delay"} | {"delay": 0.0}
        for host, slot in slots.items()
    }
    settings.setdict(night, priority="cmdline")
    middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
    middlewares["scrapers.frontier.SharedPolitenessMiddleware"] = 950
    project = get_settings()
    settings.setdict(
        {
            "POSTINGS_FRONTIER": frontier_url,
            "POSTINGS_SHARED_POLITENESS": slots,
            "POSTINGS_SHARED_DEFAULT_DELAY": settings.getfloat("DOWNLOAD_DELAY"),
            "POSTINGS_SHARED_DEFAULT_CONCURRENCY": settings.getint(
                "CONCURRENT_REQUESTS_PER_DOMAIN"
            ),
            "POSTINGS_POLITENESS_GUARD": project.politeness_guard,
            "DOWNLOAD_DELAY": 0.0,
            "AUTOTHROTTLE_ENABLED": False,
            "DOWNLOADER_MIDDLEWARES": middlewares,
        },
        priority="cmdline",
    )
    return settings


def run_worker(
    frontier_url: str,
    night: str | None,
    landing_dir: Path,
    parallel: int,
    lease_seconds: float,
) -> int:
    """Drain a night of the frontier; the exit code (0 drained, 1 frontier lost, 2 unreachable)."""
    from scrapy.crawler import CrawlerProcess

    try:
        frontier = Frontier.connect(frontier_url)
        night = night or frontier.current_night()
        entries = frontier.entries(night)
        frontier.close()
    except FrontierError as error:
        logger.error("%s", error)
        return 2
    landing_dir.mkdir(parents=True, exist_ok=True)
    logger.info("Worker of night %s: %d sources on the frontier", night, len(entries))
    settings = worker_settings(entries, parallel, frontier_url, landing_dir)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(FrontierNightSpider)
    failure: list[str] = []

    def failed(result: Any) -> None:
        failure.append(getattr(result, "getErrorMessage", lambda: str(result))())

    deferred = process.crawl(
        crawler,
        entries=entries,
        parallel=parallel,
        slots=settings.getdict("POSTINGS_SHARED_POLITENESS"),
        frontier_url=frontier_url,
        night=night,
        lease_seconds=lease_seconds,
        landing_dir=str(landing_dir),
    )
    deferred.addErrback(failed)
    process.start()
    if failure:
        logger.error("the worker's crawl failed: %s", failure[0])
        return 1
    spider = crawler.spider
    return 1 if isinstance(spider, FrontierNightSpider) and spider.lost else 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of a worker process."""
    from warehouse.config import get_settings

    settings = get_settings()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frontier", default=settings.frontier, help="redis://HOST:PORT/DB")
    parser.add_argument("--night", help="the night's id (default: the one enqueued last)")
    parser.add_argument("--landing-dir", type=Path, default=settings.landing_dir)
    parser.add_argument("--parallel", type=int, default=settings.parallel_sources)
    parser.add_argument("--lease-seconds", type=float, default=settings.frontier_lease_seconds)
    args = parser.parse_args(argv)
    if not args.frontier:
        parser.error("--frontier (or POSTINGS_FRONTIER) is required")
    return run_worker(
        args.frontier,
        args.night,
        args.landing_dir.expanduser().resolve(),
        args.parallel,
        args.lease_seconds,
    )


if __name__ == "__main__":
    sys.exit(main())
