"""A bad week, played once per test session: the story every reliability test checks a part of.

A ``postings nightly`` builds ~470 dbt nodes (about 30-60 s on two cores), so instead of one
warehouse per test the session plays three nights on one warehouse and records what each did:

1. **A crawl killed mid-run.** ``python -m scrapers.runner`` crawls the bundled recording and a
   slow paginating Lever site (``lever:slowpoke``: its second page stalls); once every other
   source has finished and the slow one has half-written its ``.jsonl.part``, the runner is
   killed with SIGKILL. ``postings load`` then loads what finished.
2. **A good night, with hostile records.** ``postings nightly`` on every source: the
   recording, the slow site (now fast), the sources that will misbehave tomorrow (healthy
   tonight), and a hostile source per kind (:mod:`tests.reliability.hostile`).
3. **A bad night.** ``postings nightly`` again, with one source failing in each way of
   :data:`ALL_FAULTS`, download timeouts of a few seconds, and two analysts' reader processes
   querying the marts in a loop.

The hostile records are crawled on the good night, not the bad one, because parsing a 10 MB page
blocks Scrapy's reactor for a second or more, which would blur the timing faults (a hang of 6 s
against a timeout of 3 s). Credentials are set in the environment all week. Every server is on
127.0.0.1; every wait is bounded.
"""

from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from typer.testing import CliRunner

from tests.conftest import fixture_path
from tests.reliability.faults import Fault, FaultyReplayServer
from tests.reliability.hostile import HostileCorpus, hostile_corpus
from warehouse.cli import app
from warehouse.config import PROJECT_ROOT, get_settings
from warehouse.replay import RECORDING_DIR, Route, load_routes

#: Fast retries, so a bad night takes seconds, all week.
ENVIRONMENT = {
    "POSTINGS_RETRY_TIMES": "2",
    "POSTINGS_RETRY_BACKOFF_BASE": "0.1",
    "POSTINGS_RETRY_BACKOFF_MAX": "2",
    "POSTINGS_DOWNLOAD_MAXSIZE": str(16 * 1024 * 1024),
    "POSTINGS_PARALLEL_SOURCES": "64",
}
#: The bad night's download timeout: a hung source costs 3 x 3 s.
BAD_NIGHT_TIMEOUT = "3"
SECRETS = {
    "POSTINGS_USAJOBS_API_KEY": "usajobs-SECRET-9f3b1c77e2",
    "POSTINGS_ADZUNA_APP_ID": "adzuna-ID-SECRET-41d2",
    "POSTINGS_ADZUNA_APP_KEY": "adzuna-KEY-SECRET-c0ffee99",
}
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 20


@dataclass(frozen=True)
class FaultCase:
    """One source that misbehaves on the bad night, and what must become of it."""

    name: str
    source_key: str
    #: The path the fault is on (the source's only or first request).
    path: str
    fault: Fault
    #: Status of the source's run on the bad night.
    status: str
    #: Requests the server must see for ``path`` (at least, at most).
    requests: tuple[int, int]
    #: Text that must appear in the run's error summary (None for a clean recovery).
    reason: str | None
    what: str


def _gh(board: str) -> tuple[str, str, str]:
    return (f"greenhouse:{board}", f"/v1/boards/{board}/jobs", "greenhouse/greenhouse_2.json")


def _lever(site: str) -> tuple[str, str, str]:
    return (f"lever:{site}", f"/v0/postings/{site}", "lever/lever_4.json")


def _ashby(board: str) -> tuple[str, str, str]:
    return (f"ashby:{board}", f"/posting-api/job-board/{board}", "ashby/ashby_2.json")


ONE_TRY = (1, 1)
ALL_TRIES = (1 + RETRY_TIMES, 1 + RETRY_TIMES)

#: (where, fault, status, requests, reason, what)
_FAULT_TABLE: list[tuple[tuple[str, str, str], Fault, str, tuple[int, int], str | None, str]] = [
    (
        _gh("f429-recovers"),
        Fault("status", status=429, retry_after="1", times=2),
        "succeeded",
        (3, 3),
        None,
        "429 with Retry-After: 1 twice, then 200",
    ),
    (
        _gh("f429-always"),
        Fault("status", status=429, retry_after="1"),
        "failed",
        ALL_TRIES,
        "http_429",
        "429 with Retry-After: 1, never recovers",
    ),
    (
        _gh("f429-too-long"),
        Fault("status", status=429, retry_after="3600"),
        "failed",
        ONE_TRY,
        "Retry-After: 3600",
        "429 with Retry-After: 3600 (over the cap)",
    ),
    (
        _lever("f500-transient"),
        Fault("status", status=500, times=1),
        "succeeded",
        (2, 2),
        None,
        "500 once, then 200",
    ),
    (
        _lever("f503-permanent"),
        Fault("status", status=503),
        "failed",
        ALL_TRIES,
        "http_503",
        "503 on every try",
    ),
    (
        _ashby("fhang"),
        Fault("hang", seconds=6),
        "failed",
        ALL_TRIES,
        "DownloadTimeoutError",
        "hangs 6 s, past the 3 s download timeout",
    ),
    (
        _ashby("fdrop"),
        Fault("drop"),
        "failed",
        ALL_TRIES,
        "ResponseDataLossError",
        "drops the connection mid-body",
    ),
    (
        _gh("ftruncated"),
        Fault("truncate"),
        "failed",
        ONE_TRY,
        "invalid_json",
        "200 with JSON cut in half",
    ),
    (
        _lever("fhtml"),
        Fault("html"),
        "failed",
        ONE_TRY,
        "invalid_json",
        "200 with an HTML maintenance page",
    ),
    (
        _ashby("fredirect"),
        Fault("redirect_loop"),
        "failed",
        (3, 3),
        "redirect_loop",
        "redirect loop A -> B -> A",
    ),
    (
        _ashby("fredirect-endless"),
        Fault("redirect_loop", endless=True),
        "failed",
        (1 + REDIRECT_MAX_TIMES, 1 + REDIRECT_MAX_TIMES),
        "max redirections",
        "endless chain of redirects",
    ),
    (
        _gh("fhuge"),
        Fault("huge", size=20 * 1024 * 1024),
        "failed",
        ONE_TRY,
        "larger than download max size",
        "20 MB body, Content-Length sent (max 16 MB)",
    ),
    (
        _gh("fhuge-unannounced"),
        Fault("huge", size=20 * 1024 * 1024, announced=False),
        "failed",
        ONE_TRY,
        "DownloadCancelledError",
        "20 MB body without Content-Length (max 16 MB)",
    ),
    (
        _lever("finvalid-utf8"),
        Fault("invalid_utf8"),
        "partial",
        ONE_TRY,
        "invalid_utf8",
        "bytes that are not UTF-8 in a title",
    ),
    (
        _ashby("fslow"),
        Fault("slow_drip", seconds=0.6),
        "succeeded",
        ONE_TRY,
        None,
        "body dripped over 0.6 s (within the timeout)",
    ),
    (
        _ashby("fslow-stall"),
        Fault("slow_drip", seconds=8),
        "failed",
        ALL_TRIES,
        "DownloadTimeoutError",
        "body dripped over 8 s (past the timeout)",
    ),
]

FAULTS: list[FaultCase] = [
    FaultCase(
        name=key.split(":", 1)[1],
        source_key=key,
        path=path,
        fault=fault,
        status=status,
        requests=requests,
        reason=reason,
        what=what,
    )
    for (key, path, _), fault, status, requests, reason, what in _FAULT_TABLE
]
#: A career site of two pages, one of which fails for good on the bad night: a partial run.
PARTIAL_SITE = FaultCase(
    name="fpage",
    source_key="jsonld:fpage",
    path="/fpage/jobs/indeed-1",
    fault=Fault("status", status=503),
    status="partial",
    requests=ALL_TRIES,
    reason="http_503",
    what="one page of two answers 503 on every try",
)
ALL_FAULTS = [*FAULTS, PARTIAL_SITE]

#: The slow site of the killed crawl: a full first page, then a second that stalls.
SLOWPOKE_KEY = "lever:slowpoke"
SLOWPOKE_PATH = "/v0/postings/slowpoke"
SLOWPOKE_POSTINGS = (250, 10)


def fault_routes() -> list[Route]:
    """The healthy answers of every fault source (what they serve on a good night)."""
    routes = [
        Route(path=path, file=fixture_path(fixture)) for (_, path, fixture), *_ in _FAULT_TABLE
    ]
    routes.append(
        Route(
            path="/fpage/sitemap.xml",
            template=True,
            content_type="application/xml",
            body=b'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.'
            b'sitemaps.org/schemas/sitemap/0.9"><url><loc>{base}/fpage/jobs/'
            b"indeed-1</loc></url><url><loc>{base}/fpage/jobs/linkedin-1</loc>"
            b"</url></urlset>",
        )
    )
    for name, fixture in (
        ("indeed-1", "jsonld/jsonld_indeed_1.html"),
        ("linkedin-1", "jsonld/jsonld_linkedin_1.html"),
    ):
        routes.append(
            Route(
                path=f"/fpage/jobs/{name}",
                file=fixture_path(fixture),
                content_type="text/html; charset=utf-8",
            )
        )
    return routes


def fault_sources() -> list[str]:
    lines = []
    for case in FAULTS:
        kind, name = case.source_key.split(":", 1)
        option = {"greenhouse": "board", "lever": "site", "ashby": "board"}[kind]
        lines.append(f'  - {{kind: {kind}, {option}: {name}, api_base: "{{replay}}", delay: 0}}')
    lines.append(
        '  - {kind: jsonld, name: fpage, sitemap: "{replay}/fpage/sitemap.xml", '
        "delay: 0, concurrency: 8}"
    )
    return lines


def slowpoke_routes(sizes: tuple[int, ...] = SLOWPOKE_POSTINGS) -> list[Route]:
    """Pages of SYNTHETIC Lever postings (copies of a real one with new ids and titles); a page
    of 250 (Lever's page size here) makes the spider ask for the next."""
    template = json.loads(fixture_path("lever/lever_4.json").read_bytes())[0]
    pages = []
    number = 0
    for size in sizes:
        page = []
        for _ in range(size):
            number += 1
            posting = copy.deepcopy(template)
            posting["id"] = f"slowpoke-{number:04d}"
            posting["text"] = f"Synthetic role {number}"
            page.append(posting)
        pages.append(json.dumps(page).encode())
    return [
        Route(path=SLOWPOKE_PATH, query={"skip": str(sum(sizes[:number]))}, body=page)
        for number, page in enumerate(pages)
    ]


def recording_sources() -> list[str]:
    text = (RECORDING_DIR / "sources.yml").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.lstrip().startswith("- ")]


def sources_file(path: Path, lines: list[str], base_url: str) -> Path:
    path.write_text(
        "sources:\n" + "\n".join(lines).replace("{replay}", base_url) + "\n", encoding="utf-8"
    )
    return path


# ---------------------------------------------------------------------------- the reader
READER = textwrap.dedent("""
    import json, os, sys, time
    import duckdb

    path, mode, stop_file, out = sys.argv[1:5]
    QUERY = '''
        select
            (select count(*) from marts.dim_postings),
            (select sum(new_posting_count) from marts.fct_crawl_runs),
            (select count(*) from marts.fct_crawl_runs)
    '''
    deadline = time.monotonic() + 900
    seen, errors, reads, torn = {}, [], 0, 0
    # "held": an analyst who keeps one connection open all night; "fresh": one who connects
    # anew for every query. (DuckDB shares one database instance per file within a process, so
    # the two must be separate processes.)
    held = duckdb.connect(path, read_only=True) if mode == "held" else None
    while not os.path.exists(stop_file) and time.monotonic() < deadline:
        try:
            if held is not None:
                postings, new_postings, runs = held.execute(QUERY).fetchone()
            else:
                with duckdb.connect(path, read_only=True) as connection:
                    postings, new_postings, runs = connection.execute(QUERY).fetchone()
            key = f"{postings}/{runs}"
            seen[key] = seen.get(key, 0) + 1
            torn += postings != new_postings
            reads += 1
        except Exception as error:
            errors.append(repr(error)[:300])
        time.sleep(0.05)
    if held is not None:
        held.close()
    with open(out, "w") as handle:
        json.dump({"reads": reads, "torn": torn, "seen": seen, "errors": errors[:5],
                   "error_count": len(errors)}, handle)
""")


# ---------------------------------------------------------------------------- the week
@dataclass
class Night:
    """What one ``postings nightly`` (or load) did."""

    exit_code: int
    output: str
    seconds: float
    #: Requests the server saw, per path; arrival times per path.
    hits: dict[str, int] = field(default_factory=dict)
    times: dict[str, list[float]] = field(default_factory=dict)
    #: Table snapshots after the night (see :func:`snapshot`).
    tables: dict[str, Any] = field(default_factory=dict)


@dataclass
class KilledCrawl:
    """The crawl killed mid-run, and the load after it."""

    returncode: int
    part_files: list[Path]
    part_lines: int
    finished_manifests: list[Path]
    load: Night
    killed_after_seconds: float


@dataclass
class BadWeek:
    data_dir: Path
    db: Path
    killed: KilledCrawl
    good_night: Night
    bad_night: Night
    hostile: HostileCorpus
    #: What each reader process saw: ``fresh`` (a connection per query) and ``held``.
    reader: dict[str, dict[str, Any]]


def query(db: Path, sql: str, parameters: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as connection:
        return connection.execute(sql, parameters or {}).fetchall()


def snapshot(db: Path) -> dict[str, Any]:
    """The rows that matter, per source, after a night."""
    [(marts,)] = query(
        db,
        "select count(*) from information_schema.tables "
        "where table_schema = 'marts' and table_name = 'dim_postings'",
    )
    has_marts = bool(marts)
    tables: dict[str, Any] = {
        "versions": query(
            db,
            "select source_key, source_posting_id, content_hash, "
            "md5(payload), md5(source_context) from raw.posting_versions order by all",
        ),
        "sightings": query(
            db,
            "select crawl_run_id, source_key, source_posting_id, content_hash "
            "from raw.sightings order by all",
        ),
        "runs": query(
            db,
            "select crawl_run_id, source_key, status, postings, errors, "
            "error_summary, cast(counters as varchar) from raw.crawl_runs "
            "order by started_at, crawl_run_id",
        ),
    }
    if has_marts:
        tables["dim_postings"] = query(
            db,
            "select posting_id, source_key, source_posting_id, title, is_active, "
            "last_seen_at, closed_at from marts.dim_postings order by posting_id",
        )
        tables["reader_values"] = query(
            db,
            "select (select count(*) from marts.dim_postings), "
            "(select count(*) from marts.fct_crawl_runs)",
        )[0]
    return tables


def rows_of(rows: list[tuple[Any, ...]], source_key: str, column: int = 0) -> list[tuple[Any, ...]]:
    return [row for row in rows if row[column] == source_key]


def run_cli(arguments: list[str]) -> tuple[int, str, float]:
    get_settings.cache_clear()
    started = time.monotonic()
    result = CliRunner().invoke(app, arguments)
    seconds = time.monotonic() - started
    output = result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        output += f"\n{type(result.exception).__name__}: {result.exception}"
    return result.exit_code, output, seconds


def kill_a_crawl(tmp: Path, environment: dict[str, str]) -> tuple[int, list[Path], float]:
    """Crawl the recording and the slow site; SIGKILL the runner once only the slow one is left.

    Returns the runner's return code, the manifests of the runs that finished, and when it was
    killed (seconds after the start).
    """
    landing = tmp / "data" / "landing"
    routes = [*load_routes(RECORDING_DIR), *slowpoke_routes()]
    # Held until the kill (the server stops right after it), however slow the machine is.
    stall = {f"{SLOWPOKE_PATH}?skip={SLOWPOKE_POSTINGS[0]}": Fault("hang", seconds=60)}
    expected = len(recording_sources())
    with FaultyReplayServer(routes, stall) as server:
        sources = sources_file(
            tmp / "killed-sources.yml",
            [
                *recording_sources(),
                '  - {kind: lever, site: slowpoke, api_base: "{replay}", delay: 0}',
            ],
            server.base_url,
        )
        started = time.monotonic()
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "scrapers.runner",
                "--sources",
                str(sources),
                "--landing-dir",
                str(landing),
                "--summary",
                str(tmp / "killed-summary.json"),
                "--parallel",
                "64",
            ],
            cwd=PROJECT_ROOT,
            env={**environment, "POSTINGS_DOWNLOAD_TIMEOUT": "120"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = started + 90
            while time.monotonic() < deadline:
                manifests = list(landing.rglob("*.run.json"))
                parts = list(landing.glob("lever/*slowpoke*/*.jsonl.part"))
                if (
                    len(manifests) >= expected
                    and parts
                    and parts[0].stat().st_size > 0
                    and server.requests_to(SLOWPOKE_PATH) >= 2
                ):
                    break
                assert process.poll() is None, "the runner ended before it could be killed"
                time.sleep(0.1)
            else:
                raise AssertionError("the killed crawl never reached the point to kill it")
            killed_at = time.monotonic() - started
            os.kill(process.pid, signal.SIGKILL)
            returncode = process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    return returncode, sorted(landing.rglob("*.run.json")), killed_at


def play_bad_week(tmp: Path) -> BadWeek:
    """Play the three nights (see the module docstring) and record what each did."""
    data_dir, db = tmp / "data", tmp / "data" / "warehouse.duckdb"
    environment = {
        **os.environ,
        **ENVIRONMENT,
        **SECRETS,
        "POSTINGS_DATA_DIR": str(data_dir),
        "POSTINGS_DB": str(db),
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(environment)
    try:
        # 1. A crawl killed mid-run, then `postings load`.
        returncode, finished, killed_at = kill_a_crawl(tmp, environment)
        parts = sorted((data_dir / "landing").rglob("*.jsonl.part"))
        part_lines = sum(part.read_bytes().count(b"\n") for part in parts)
        code, output, seconds = run_cli(["load"])
        killed = KilledCrawl(
            returncode=returncode,
            part_files=parts,
            part_lines=part_lines,
            finished_manifests=finished,
            killed_after_seconds=killed_at,
            load=Night(code, output, seconds, tables=snapshot(db)),
        )

        # 2. A good night: every source healthy, and the hostile records.
        corpus = hostile_corpus()
        good_routes = [*load_routes(RECORDING_DIR), *slowpoke_routes(), *fault_routes()]
        lines = [
            *recording_sources(),
            '  - {kind: lever, site: slowpoke, api_base: "{replay}", delay: 0}',
            *fault_sources(),
        ]
        with FaultyReplayServer([*good_routes, *corpus.routes]) as server:
            sources = sources_file(
                tmp / "good-sources.yml", [*lines, *corpus.sources], server.base_url
            )
            code, output, seconds = run_cli(["nightly", "--sources", str(sources)])
            good = Night(code, output, seconds, hits=dict(server.hits))
        good.tables = snapshot(db)

        # 3. A bad night: faults, short timeouts, analysts reading.
        faults = {case.path: case.fault for case in ALL_FAULTS}
        os.environ["POSTINGS_DOWNLOAD_TIMEOUT"] = BAD_NIGHT_TIMEOUT
        reader_script, stop_file = tmp / "reader.py", tmp / "reader.stop"
        reader_script.write_text(READER, encoding="utf-8")
        readers = {
            mode: subprocess.Popen(
                [
                    sys.executable,
                    str(reader_script),
                    str(db),
                    mode,
                    str(stop_file),
                    str(tmp / f"reader-{mode}.json"),
                ],
                cwd=tmp,
            )
            for mode in ("fresh", "held")
        }
        try:
            with FaultyReplayServer(good_routes, faults) as server:
                sources = sources_file(tmp / "bad-sources.yml", lines, server.base_url)
                time.sleep(1.0)  # the reader reads the good night's warehouse for a while
                code, output, seconds = run_cli(["nightly", "--sources", str(sources)])
                bad = Night(
                    code,
                    output,
                    seconds,
                    hits=dict(server.hits),
                    times={case.path: server.times_of(case.path) for case in ALL_FAULTS},
                )
            time.sleep(1.5)  # and the bad night's, once published
        finally:
            stop_file.touch()
            for reader in readers.values():
                try:
                    reader.wait(timeout=60)
                finally:
                    if reader.poll() is None:
                        reader.kill()
                        reader.wait()
        bad.tables = snapshot(db)
        results = {}
        for mode, reader in readers.items():
            out = tmp / f"reader-{mode}.json"
            results[mode] = (
                json.loads(out.read_text())
                if out.exists()
                else {"error_count": -1, "errors": ["the reader wrote no result"]}
            )
            results[mode]["returncode"] = reader.returncode
        return BadWeek(
            data_dir=data_dir,
            db=db,
            killed=killed,
            good_night=good,
            bad_night=bad,
            hostile=corpus,
            reader=results,
        )
    finally:
        os.environ.clear()
        os.environ.update(saved)
        get_settings.cache_clear()
