"""Run the spiders of a sources file in one Scrapy crawler and report every run.

``python -m scrapers.runner --sources FILE --summary FILE`` crawls every source entry in the
night's one crawler (``scrapers.night``): each source keeps its own spider, counters, landing
file and manifest, ``--parallel`` sources run at a time, and politeness is per host across all
of them. It writes a JSON summary naming every run's manifest. The ``postings`` command starts it
as a child process: Twisted's reactor cannot be restarted, and a crawler that dies cannot take
the loader with it. A source whose spider cannot even start gets a ``failed`` manifest of its
own, so every source in the file is accounted for.
"""

from __future__ import annotations

import argparse
import gc
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

#: The cyclic garbage collector's first threshold during a night (Python's default: 700).
#: Reading one board's page of 50 postings makes some 5,000 container objects, nearly all freed
#: by reference counting within the page; at 700 the collector ran several times a page and
#: took about a tenth of a large night's CPU, walking the ever larger older generations.
GC_FIRST_THRESHOLD = 50_000


def source_settings(entry: SourceEntry) -> dict[str, Any]:
    """A crawler of this one entry alone: the settings its ``delay``, ``concurrency`` and
    ``max_requests`` override (the bench's download-only baseline; a night: ``night_settings``).
    """
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


def night_settings(entries: list[SourceEntry], parallel: int) -> dict[str, Any]:
    """The Scrapy settings of a night's one crawler, beside the project's (``scrapers.settings``).

    Politeness is per host across the whole night: every source of a host shares its download
    slot, whose delay and concurrency the entries of that host may set (the most polite wins,
    ``scrapers.night.host_slots``).
    """
    from scrapy.utils.project import get_project_settings

    from scrapers.night import host_slots
    from scrapers.spiders import SPIDERS

    project = get_project_settings()
    slots = host_slots(entries, SPIDERS)
    concurrency = [int(slot["concurrency"]) for slot in slots.values() if "concurrency" in slot]
    return {
        "DOWNLOAD_SLOTS": slots,
        "DOWNLOADER": "scrapers.night.HostSlotDownloader",
        # Connections kept open per host: as many as the host's slot lets be in flight.
        "DOWNLOAD_HANDLERS": {
            **project.getdict("DOWNLOAD_HANDLERS"),
            "http": "scrapers.night.HostPoolDownloadHandler",
            "https": "scrapers.night.HostPoolDownloadHandler",
        },
        "DUPEFILTER_CLASS": "scrapers.night.SourceDupeFilter",
        # Many hosts at once: the next request goes to the host with the fewest in flight.
        "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.DownloaderAwarePriorityQueue",
        # As many in flight in all as sources at once (``--parallel``), or more when one
        # host's own concurrency asks for it; each host's slot keeps its own limit. (The cap
        # was 16 while a 64-in-flight crawl of a local server seemed to stall: it was the
        # test server's listen backlog of 5, warehouse.replay.LocalHTTPServer.)
        "CONCURRENT_REQUESTS": max([parallel, *concurrency]),
        # A bound per source (its own max_requests), counted by the night, not one for all.
        "CLOSESPIDER_PAGECOUNT": 0,
        "WARN_ON_GENERATOR_RETURN_VALUE": False,
        "HTTPCACHE_ENABLED": project.getbool("POSTINGS_CONDITIONAL_REQUESTS"),
    }


def crawl(entries: list[SourceEntry], landing_dir: Path, parallel: int) -> list[Path]:
    """Crawl every entry in one crawler (``scrapers.night``); return each run's manifest path."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from scrapers.night import NightSpider

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "scrapers.settings")
    settings = get_project_settings()
    settings.set("POSTINGS_LANDING_DIR", str(landing_dir), priority="cmdline")
    # The runner owns the root log handler, so that every line passes RedactSecretsFilter:
    # Scrapy replaces its own root handler each time a crawler is created or started.
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    install_root_log_handler(
        settings.get("LOG_LEVEL"), settings.get("LOG_FORMAT"), settings.get("LOG_DATEFORMAT")
    )
    night = night_settings(entries, parallel)
    settings.setdict(night, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(NightSpider)
    failure: list[str] = []

    def failed(result: Any) -> None:
        failure.append(getattr(result, "getErrorMessage", lambda: str(result))())

    deferred = process.crawl(
        crawler, entries=entries, parallel=parallel, slots=night["DOWNLOAD_SLOTS"]
    )
    deferred.addErrback(failed)
    # What the start-up made (modules, settings, spider classes) lives all night: frozen, the
    # collector never walks it again; and it runs far less often (GC_FIRST_THRESHOLD).
    gc.collect()
    gc.freeze()
    _, second, third = gc.get_threshold()
    gc.set_threshold(GC_FIRST_THRESHOLD, second, third)
    process.start()
    if failure:
        logger.error("the night's crawl failed: %s", failure[0])
    runs = getattr(crawler.spider, "runs", {}) if crawler.spider is not None else {}
    manifests: list[Path] = []
    for entry in entries:
        run = runs.get(entry.key)
        spider = run.spider if run is not None else None
        run_id = getattr(spider, "crawl_run_id", None) if spider is not None else None
        path = manifest_path(landing_dir, entry.kind, entry.key, run_id) if run_id else None
        if path is not None and path.exists():
            manifests.append(path)
            continue
        reason = failure[0] if failure else "the source could not start (see the log)"
        logger.error("%s: crawl failed before it could report: %s", entry.key, reason)
        try:
            manifests.append(failed_manifest(entry, landing_dir, f"crawl failed: {reason}", run_id))
        except OSError as error:  # e.g. the disk is full: say so, go on with the others
            logger.error(
                "%s: could not write the manifest of its failed crawl in %s: %s",
                entry.key,
                landing_dir,
                describe_os_error(error),
            )
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
    parser.add_argument(
        "--only-file", type=Path, help="crawl only the source keys listed in this file, one a line"
    )
    parser.add_argument("--parallel", type=int, default=64)
    parser.add_argument(
        "--substitute",
        action="append",
        default=[],
        help="NAME=VALUE, replaces {NAME} in the sources file",
    )
    args = parser.parse_args(argv)
    substitutions = dict(item.split("=", 1) for item in args.substitute)
    entries = load_sources(args.sources, substitutions)
    only = set(args.only)
    if args.only_file:
        only |= {line for line in args.only_file.read_text(encoding="utf-8").splitlines() if line}
    if args.only or args.only_file:
        entries = [entry for entry in entries if entry.key in only]
    manifests = crawl(entries, args.landing_dir, args.parallel)
    args.summary.write_text(json.dumps([str(path) for path in manifests]), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
