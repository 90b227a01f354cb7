"""Run the spiders of a sources file in one Scrapy process and report every run.

``python -m scrapers.runner --sources FILE --summary FILE`` crawls each source entry as its own
Scrapy crawler (so each has its own politeness settings), a few at a time, and writes a JSON
summary naming every run's manifest. The ``postings`` command starts it as a child process:
Twisted's reactor cannot be restarted, and a crawler that dies cannot take the loader with it.
A source whose spider cannot even start gets a ``failed`` manifest of its own, so every source
in the file is accounted for.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

from scrapers.landing import describe_os_error, manifest_path
from scrapers.redact import install_root_log_handler, redact
from scrapers.sources import SourceEntry, load_sources

logger = logging.getLogger(__name__)


def source_settings(entry: SourceEntry) -> dict[str, Any]:
    """Scrapy settings that an entry's ``delay``, ``concurrency`` and ``max_requests`` override."""
    custom: dict[str, Any] = {}
    if entry.delay is not None:
        custom["DOWNLOAD_DELAY"] = entry.delay
        custom["AUTOTHROTTLE_START_DELAY"] = entry.delay
        if entry.delay == 0:
            custom["AUTOTHROTTLE_ENABLED"] = False
    if entry.concurrency is not None:
        custom["CONCURRENT_REQUESTS_PER_DOMAIN"] = entry.concurrency
        custom["CONCURRENT_REQUESTS"] = max(16, entry.concurrency)
        custom["AUTOTHROTTLE_TARGET_CONCURRENCY"] = float(entry.concurrency)
    if entry.options.get("max_requests") is not None:
        custom["CLOSESPIDER_PAGECOUNT"] = int(entry.options["max_requests"])
    return custom


def spider_class_for(entry: SourceEntry) -> type:
    """The entry's spider class, subclassed to carry the entry's own settings."""
    from scrapers.spiders import SPIDERS

    base = SPIDERS[entry.kind]
    merged = {**(getattr(base, "custom_settings", None) or {}), **source_settings(entry)}
    return type(base.__name__, (base,), {"custom_settings": merged})


def failed_manifest(
    entry: SourceEntry, landing_dir: Path, message: str, crawl_run_id: str | None = None
) -> Path:
    """Write a manifest for a source whose spider could not run at all (or could not report).

    ``crawl_run_id`` is the id the crawl had already taken, when it got that far: its manifest
    then takes that id, so that a run is never recorded twice under two ids.
    """
    from scrapers.landing import RunManifest, manifest_path, new_crawl_run_id, utc_now

    run_id = crawl_run_id or new_crawl_run_id(entry.key)
    path = manifest_path(landing_dir, entry.kind, entry.key, run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    now = utc_now()
    RunManifest(
        crawl_run_id=run_id,
        source_key=entry.key,
        source_kind=entry.kind,
        started_at=now,
        finished_at=now,
        finish_reason="error",
        status="failed",
        errors=1,
        error_summary=redact(f"{entry.key}: {message}")[:2000],
    ).write(path)
    return path


def crawl(entries: list[SourceEntry], landing_dir: Path, parallel: int) -> list[Path]:
    """Crawl every entry; return the manifest path of each run."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings
    from twisted.internet import defer

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "scrapers.settings")
    settings = get_project_settings()
    settings.set("POSTINGS_LANDING_DIR", str(landing_dir), priority="cmdline")
    # The runner owns the root log handler, so that every line passes RedactSecretsFilter:
    # Scrapy replaces its own root handler each time a crawler is created or started.
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    install_root_log_handler(
        settings.get("LOG_LEVEL"), settings.get("LOG_FORMAT"), settings.get("LOG_DATEFORMAT")
    )
    process = CrawlerProcess(settings)
    manifests: list[Path] = []
    semaphore = defer.DeferredSemaphore(max(1, parallel))

    def run_one(entry: SourceEntry) -> Any:
        crawler = process.create_crawler(spider_class_for(entry))

        def finished(result: Any) -> Any:
            spider = crawler.spider
            run_id = getattr(spider, "crawl_run_id", None) if spider else None
            path = manifest_path(landing_dir, entry.kind, entry.key, run_id) if run_id else None
            if path is not None and path.exists():
                manifests.append(path)
                return None
            reason = getattr(result, "getErrorMessage", lambda: "spider did not start")()
            logger.error("%s: crawl failed before it could report: %s", entry.key, reason)
            try:
                manifests.append(
                    failed_manifest(entry, landing_dir, f"crawl failed: {reason}", run_id)
                )
            except OSError as error:  # e.g. the disk is full: say so, go on with the others
                logger.error(
                    "%s: could not write the manifest of its failed crawl in %s: %s",
                    entry.key,
                    landing_dir,
                    describe_os_error(error),
                )
            return None

        deferred = process.crawl(crawler, source_key=entry.key, options=entry.options)
        deferred.addBoth(finished)
        return deferred

    all_done = defer.DeferredList(
        [semaphore.run(run_one, entry) for entry in entries], consumeErrors=True
    )
    from twisted.internet import reactor

    def stop_reactor(_: object) -> None:
        running: Any = reactor  # the global reactor provides more interfaces than it declares
        if running.running:
            running.callLater(0, running.stop)

    all_done.addBoth(stop_reactor)
    process.start(stop_after_crawl=False)
    return manifests


def main(argv: list[str] | None = None) -> int:
    """Entry point of the crawler child process."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sources", type=Path, required=True)
    parser.add_argument("--landing-dir", type=Path, required=True)
    parser.add_argument("--summary", type=Path, required=True)
    parser.add_argument(
        "--only", action="append", default=[], help="crawl only these source keys (repeatable)"
    )
    parser.add_argument("--parallel", type=int, default=8)
    parser.add_argument(
        "--substitute",
        action="append",
        default=[],
        help="NAME=VALUE, replaces {NAME} in the sources file",
    )
    args = parser.parse_args(argv)
    substitutions = dict(item.split("=", 1) for item in args.substitute)
    entries = load_sources(args.sources, substitutions)
    if args.only:
        entries = [entry for entry in entries if entry.key in set(args.only)]
    manifests = crawl(entries, args.landing_dir, args.parallel)
    args.summary.write_text(json.dumps([str(path) for path in manifests]), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
