"""Catalogue stage: a night of a SYNTHETIC 10,000-board catalogue on a few local hosts.

The boards are Greenhouse-shaped pages (``bench.corpus.greenhouse_board``) spread over
``HOSTS`` servers on 127.0.0.1, each answering conditional requests (``bench.server``: an ETag
per page, 304 when it is named). The catalogue has tiers: a fifth of the boards ``nightly``,
three tenths ``every 3 nights``, half ``weekly``.

1. The first night crawls every board (all never crawled: all due), ``delay: 0``, to fill the
   history and the kept pages.
2. The scheduler (``scrapers.schedule.decide``) then decides the night three days later from
   that history (last crawl = the first night moved three days back; the history the warehouse
   would hold, built here from the manifests without a load); a tenth of the boards changed.
3. That night crawls only the due boards with the hosts' real politeness scaled down
   (``NIGHT_DELAY`` seconds apart, one request in flight per host), through the real runner.

Rows: the boards due against the catalogue, the 304 rate, the smallest gap measured between two
requests to one host against its delay, and the night's requests per host against a real
night's budget per host (``REAL_DELAY`` s apart for ``NIGHT_HOURS`` hours).
"""

from __future__ import annotations

import json
import logging
import os
import time
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

from bench.corpus import DEFAULT_FIXTURES, CorpusGenerator, greenhouse_board
from bench.proc import child_env, run_child
from bench.report import Row
from bench.server import PageServer

logger = logging.getLogger(__name__)

HOSTS = 4
JOBS_PER_BOARD = 2
NIGHT_DELAY = 0.02
REAL_DELAY = 1.0
NIGHT_HOURS = 6.0
CHANGED_SHARE = 0.1


def tier_of(number: int) -> str:
    """The board's schedule: 2 of 10 nightly, 3 of 10 every 3 nights, 5 of 10 weekly."""
    slot = number % 10
    return "nightly" if slot < 2 else "every 3 nights" if slot < 5 else "weekly"


def build(directory: Path, boards: int, seed: int, fixtures: Path) -> list[dict[str, Path]]:
    """Write the boards' pages; return one ``{url path: file}`` per host."""
    directory.mkdir(parents=True, exist_ok=True)
    generator = CorpusGenerator(seed, fixtures_dir=fixtures)
    companies = generator.pools.companies
    hosts: list[dict[str, Path]] = [{} for _ in range(HOSTS)]
    for number in range(boards):
        board = f"cat{number:05d}"
        path = directory / f"{board}.json"
        path.write_bytes(
            greenhouse_board(generator, board, companies[number % len(companies)], JOBS_PER_BOARD)
        )
        hosts[number % HOSTS][f"/v1/boards/{board}/jobs"] = path
    return hosts


def sources(
    path: Path,
    hosts: list[dict[str, Path]],
    servers: list[PageServer],
    only: set[str] | None,
    politeness: dict[str, float],
) -> int:
    """A sources file of the catalogue (only the ``only`` boards when given); returns its size."""
    import yaml

    entries = []
    for pages, server in zip(hosts, servers, strict=True):
        for url_path in pages:
            board = url_path.split("/")[3]
            if only is not None and f"greenhouse:{board}" not in only:
                continue
            entries.append(
                {
                    "kind": "greenhouse",
                    "board": board,
                    "api_base": server.base_url,
                    "schedule": tier_of(int(board[3:])),
                    **politeness,
                }
            )
    path.write_text(yaml.safe_dump({"sources": entries}, sort_keys=False), encoding="utf-8")
    return len(entries)


def crawl(workdir: Path, name: str, sources_file: Path, extra: dict[str, str]) -> dict[str, Any]:
    """One night of the real runner; its manifests and its time."""
    summary = workdir / f"{name}.summary.json"
    started = time.monotonic()
    child = run_child(
        [
            "scrapers.runner",
            "--sources",
            str(sources_file),
            "--landing-dir",
            str(workdir / "landing"),
            "--summary",
            str(summary),
            "--parallel",
            "256",
        ],
        env=child_env(
            {
                "POSTINGS_LOG_LEVEL": "WARNING",
                "POSTINGS_DATA_DIR": str(workdir / "data"),
                "SCRAPY_SETTINGS_MODULE": "scrapers.settings",
                **extra,
            }
        ),
        log_path=workdir / f"{name}.log",
    )
    if child.returncode != 0 or not summary.exists():
        raise RuntimeError(f"{name}: the runner failed ({child.returncode}): {child.stderr_tail}")
    manifests = [
        json.loads(Path(p).read_text(encoding="utf-8"))
        for p in json.loads(summary.read_text(encoding="utf-8"))
    ]
    return {"manifests": manifests, "seconds": child.ended_at - started}


def percentile(values: list[float], share: float) -> float | None:
    """The value below which ``share`` of ``values`` lie (None for no values)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(
    workdir: Path, boards: int = 10_000, seed: int = 20261207, fixtures: Path = DEFAULT_FIXTURES
) -> list[Row]:
    """The two nights; the rows."""
    from scrapers.schedule import SourceHistory, decide, parse_schedule

    hosts = build(workdir / "pages", boards, seed, fixtures)
    servers = [PageServer(pages, etags=True) for pages in hosts]
    for server in servers:
        server.__enter__()
    try:
        everything = workdir / "all.yml"
        sources(everything, hosts, servers, None, {"delay": 0, "concurrency": 16})
        # Night 1: every board, as fast as the hosts allow (a first crawl), to fill the history.
        first = crawl(workdir, "night1", everything, {})
        landed = [m for m in first["manifests"] if m["status"] == "succeeded"]
        if len(landed) != boards:
            raise RuntimeError(f"night 1 landed {len(landed)} of {boards} boards")
        logger.info("catalogue: night 1, %d boards in %.0f s", boards, first["seconds"])
        # Three days later: the scheduler decides from the history night 1 left.
        tonight = datetime.now(UTC)
        crawled_at = tonight - timedelta(days=3)
        decisions = [
            decide(
                m["source_key"],
                parse_schedule(tier_of(int(m["source_key"].split("cat")[1]))),
                SourceHistory(last_crawled_at=crawled_at, last_changed_at=crawled_at),
                tonight,
            )
            for m in first["manifests"]
        ]
        due = {d.source_key for d in decisions if d.due}
        # A tenth of the boards changed since (a new mtime: a new ETag); the rest answer 304.
        changed = 0
        for pages in hosts:
            for number, path in enumerate(pages.values()):
                if number % round(1 / CHANGED_SHARE) == 0:
                    stamp = time.time() + 10
                    os.utime(path, (stamp, stamp))
                    changed += 1
        for server in servers:
            server.reset()
        tonight_file = workdir / "tonight.yml"
        sources(tonight_file, hosts, servers, due, {"delay": NIGHT_DELAY, "concurrency": 1})
        second = crawl(workdir, "night2", tonight_file, {})
    finally:
        for server in servers:
            server.__exit__(None, None, None)
    manifests = second["manifests"]
    not_modified = sum(int(m["counters"].get("postings/not_modified", 0)) for m in manifests)
    responses = sum(int(m.get("responses") or 0) for m in manifests)
    gaps = [
        later - earlier
        for server in servers
        for earlier, later in pairwise(sorted(server.arrivals))
    ]
    per_host = max(len(server.arrivals) for server in servers)
    robots = sum(server.requests - len(server.arrivals) for server in servers)
    budget = NIGHT_HOURS * 3600 / REAL_DELAY
    succeeded = sum(m["status"] == "succeeded" for m in manifests)
    logger.info(
        "catalogue: night 2, %d due of %d, %d succeeded, %d of %d answers 304, %.0f s",
        len(due),
        boards,
        succeeded,
        not_modified,
        responses,
        second["seconds"],
    )
    return [
        Row(
            "catalogue",
            f"boards due tonight (3 nights after the first), {boards:,} boards",
            len(due),
            "boards",
            "boards in the catalogue",
            boards,
            note="tiers 2/10 nightly, 3/10 every 3 nights, 5/10 weekly; "
            f"{succeeded} of {len(due)} crawled runs succeeded",
        ),
        Row(
            "catalogue",
            "answers 304 Not Modified (unchanged boards)",
            not_modified,
            "responses",
            "responses tonight",
            responses,
            note=f"{changed} of {boards} boards changed since the first night",
        ),
        Row(
            "catalogue",
            "1st percentile of the gaps between requests to one host",
            percentile(gaps, 0.01),
            "s",
            "the hosts' delay",
            NIGHT_DELAY,
            note=f"{HOSTS} hosts, 1 request in flight each, as the server saw them (its threads "
            f"add jitter); smallest {min(gaps):.4f} s, median {percentile(gaps, 0.5):.4f} s; "
            f"robots.txt asked {robots} times for {HOSTS} hosts"
            if gaps
            else "no gaps measured",
        ),
        Row(
            "catalogue",
            "requests tonight to the busiest host",
            per_host,
            "requests",
            f"a real night's budget per host ({REAL_DELAY:.0f} s apart, {NIGHT_HOURS:.0f} h)",
            budget,
            note=f"night 2 took {second['seconds']:.0f} s at {NIGHT_DELAY} s apart; "
            f"night 1 (all {boards} boards, no delay) {first['seconds']:.0f} s",
        ),
    ]
