"""Crawl stage: the real Greenhouse spider and pipelines beside a download-only Scrapy spider.

A SYNTHETIC recording of many Greenhouse boards (each page in the real
``/v1/boards/<board>/jobs?content=true`` shape, built from the real fixture jobs with ids,
titles, locations and content replaced: :func:`bench.corpus.greenhouse_board`) is served from
127.0.0.1 by :class:`bench.server.PageServer`. Then, one after the other:

* the real path: ``python -m scrapers.runner`` on a sources file with one entry per board,
  ``delay: 0`` and a high ``concurrency``, ``--parallel`` sources at a time in the night's one
  crawler (``scrapers.night``): per board its spider, validate and land pipelines and manifest;
  robots.txt once for the host;
* the baseline: one minimal Scrapy spider in a child process that only downloads the same
  pages, with the project's settings and the same per-source overrides
  (``scrapers.runner.source_settings``), its concurrency equal to the runner's ``--parallel``.

Both are timed from the first request the server sees to the exit of the child, so interpreter
start-up and imports are left out of both. Postings/s for the baseline is its pages/s times the
jobs per page (the postings its pages carry).

Run as a child: ``python -m bench.crawl baseline --urls FILE --parallel N --out FILE``.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path
from typing import Any

from bench.corpus import DEFAULT_FIXTURES, CorpusGenerator
from bench.proc import child_env, run_child, write_report
from bench.report import Row
from bench.server import PageServer

logger = logging.getLogger(__name__)


def build_recording(
    directory: Path, boards: int, jobs: int, seed: int, fixtures_dir: Path = DEFAULT_FIXTURES
) -> dict[str, Path]:
    """Write ``boards`` SYNTHETIC board pages of ``jobs`` jobs; return ``{url path: file}``."""
    from bench.corpus import greenhouse_board

    directory.mkdir(parents=True, exist_ok=True)
    generator = CorpusGenerator(seed, fixtures_dir=fixtures_dir)
    companies = generator.pools.companies
    pages: dict[str, Path] = {}
    for number in range(boards):
        board = f"bench{number:05d}"
        path = directory / f"{board}.json"
        path.write_bytes(
            greenhouse_board(generator, board, companies[number % len(companies)], jobs)
        )
        pages[f"/v1/boards/{board}/jobs"] = path
    return pages


def write_sources(path: Path, pages: dict[str, Path], base_url: str, concurrency: int) -> None:
    """A sources file with one Greenhouse entry per board, pointed at the local server."""
    import yaml

    entries = [
        {
            "kind": "greenhouse",
            "board": url_path.split("/")[3],
            "api_base": base_url,
            "delay": 0,
            "concurrency": concurrency,
        }
        for url_path in pages
    ]
    path.write_text(yaml.safe_dump({"sources": entries}, sort_keys=False), encoding="utf-8")


def measure(
    workdir: Path,
    boards: int,
    jobs: int,
    seed: int,
    parallel: int = 16,
    fixtures_dir: Path = DEFAULT_FIXTURES,
) -> list[Row]:
    """Crawl the recording with the real runner and with the download-only spider."""
    pages = build_recording(workdir / "pages", boards, jobs, seed, fixtures_dir)
    page_bytes = sum(path.stat().st_size for path in pages.values())
    logger.info("crawl: %d boards x %d jobs, %.0f MiB of pages", boards, jobs, page_bytes / 2**20)
    results: dict[str, dict[str, Any]] = {}
    with PageServer(pages) as server:
        # baseline first, then the real crawl
        urls = workdir / "urls.txt"
        urls.write_text(
            "\n".join(server.base_url + p + "?content=true" for p in pages), encoding="utf-8"
        )
        out = workdir / "baseline.json"
        server.reset()
        child = run_child(
            [
                "bench.crawl",
                "baseline",
                "--urls",
                str(urls),
                "--parallel",
                str(parallel),
                "--out",
                str(out),
            ],
            out,
            env=child_env(
                {"POSTINGS_LOG_LEVEL": "WARNING", "SCRAPY_SETTINGS_MODULE": "scrapers.settings"}
            ),
            log_path=workdir / "baseline.log",
        )
        if child.returncode != 0 or child.report.get("pages") != boards:
            raise RuntimeError(
                f"baseline crawl failed ({child.returncode}, {child.report}): {child.stderr_tail}"
            )
        assert server.first_request_at is not None
        results["baseline"] = {
            "seconds": child.ended_at - server.first_request_at,
            "rss": child.max_rss_mib,
            "requests": server.requests,
        }

        sources = workdir / "sources.yml"
        write_sources(sources, pages, server.base_url, parallel)
        landing = workdir / "landing"
        summary = workdir / "summary.json"
        server.reset()
        child = run_child(
            [
                "scrapers.runner",
                "--sources",
                str(sources),
                "--landing-dir",
                str(landing),
                "--summary",
                str(summary),
                "--parallel",
                str(parallel),
            ],
            env=child_env(
                {
                    "POSTINGS_LOG_LEVEL": "WARNING",
                    "POSTINGS_DATA_DIR": str(workdir / "data"),
                    "SCRAPY_SETTINGS_MODULE": "scrapers.settings",
                }
            ),
            log_path=workdir / "runner.log",
        )
        manifests = (
            [
                json.loads(Path(p).read_text(encoding="utf-8"))
                for p in json.loads(summary.read_text(encoding="utf-8"))
            ]
            if summary.exists()
            else []
        )
        landed = sum(int(m.get("postings") or 0) for m in manifests)
        errors = sum(int(m.get("errors") or 0) for m in manifests)
        if child.returncode != 0 or landed != boards * jobs or errors:
            raise RuntimeError(
                f"crawl landed {landed} of {boards * jobs} postings with "
                f"{errors} errors (exit {child.returncode}): {child.stderr_tail}"
            )
        assert server.first_request_at is not None
        results["runner"] = {
            "seconds": child.ended_at - server.first_request_at,
            "rss": child.max_rss_mib,
            "requests": server.requests,
        }
    for side, figures in results.items():
        logger.info(
            "crawl %s: %d pages in %.1f s (%d requests), peak RSS %.0f MiB",
            side,
            boards,
            figures["seconds"],
            figures["requests"],
            figures["rss"],
        )
    real, base = results["runner"], results["baseline"]
    return [
        Row(
            "crawl",
            f"runner+spider+pipelines, {boards} boards x {jobs} jobs",
            boards / real["seconds"],
            "pages/s",
            "download-only Scrapy spider",
            boards / base["seconds"],
            note=f"--parallel {parallel}; {real['requests']} requests for {boards} pages on 1 "
            f"host ({real['requests'] - boards} robots.txt) vs {base['requests']}",
        ),
        Row(
            "crawl",
            f"runner+spider+pipelines, {boards * jobs:,} postings",
            boards * jobs / real["seconds"],
            "postings/s",
            "download-only (jobs on its pages)",
            boards * jobs / base["seconds"],
        ),
        Row(
            "crawl",
            f"runner peak RSS, {boards} boards",
            real["rss"],
            "MiB",
            "download-only peak RSS",
            base["rss"],
        ),
    ]


def run_baseline(urls: list[str], parallel: int) -> dict[str, Any]:
    """Download every URL with one minimal spider and the project's settings (in the child)."""
    from scrapy import Request, Spider
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from scrapers.runner import source_settings
    from scrapers.scope import host_key
    from scrapers.sources import SourceEntry

    fetched = {"pages": 0, "bytes": 0}

    class DownloadOnlySpider(Spider):
        """Fetch the pages, parse nothing, yield nothing."""

        name = "download_only"
        custom_settings = {  # noqa: RUF012 - Scrapy reads it from the class
            **source_settings(
                SourceEntry(
                    "greenhouse",
                    "greenhouse:bench",
                    # one "source" of every page: the per-source bound must not stop it
                    {"delay": 0, "concurrency": parallel, "max_requests": len(urls) + 1},
                )
            ),
            "ITEM_PIPELINES": {},  # it yields no items; the landing pipeline would open a file
        }

        def scope_hosts(self) -> set[str]:
            """The bench server's host, as a real source's own host (``scrapers.scope``)."""
            return {key for key in map(host_key, urls[:1]) if key}

        async def start(self) -> Any:
            for url in urls:
                yield Request(url, callback=self.parse)

        def parse(self, response: Any, **kwargs: Any) -> None:
            fetched["pages"] += 1
            fetched["bytes"] += len(response.body)

    process = CrawlerProcess(get_project_settings(), install_root_handler=True)
    process.crawl(DownloadOnlySpider)
    started = time.perf_counter()
    process.start()
    return {**fetched, "seconds": time.perf_counter() - started}


def main(argv: list[str] | None = None) -> int:
    """Child entry point of the download-only baseline."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("role", choices=["baseline"])
    parser.add_argument("--urls", type=Path, required=True)
    parser.add_argument("--parallel", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    urls = [line for line in args.urls.read_text(encoding="utf-8").splitlines() if line]
    write_report(args.out, run_baseline(urls, args.parallel))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
