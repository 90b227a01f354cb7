"""Workers on several processes drain one frontier on a real redis-server.

Three workers crawl 200 boards on two hosts, one of them killed mid-run: every board lands
exactly once and no two requests to one host, from any workers, come closer than its delay.
A frontier that cannot be reached is one error before anything is crawled; a worker that loses
Redis mid-source stops that source as ``failed``, landing nothing.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from itertools import pairwise
from pathlib import Path

import pytest
from typer.testing import CliRunner

import warehouse.cli as cli
from scrapers.frontier import Frontier
from scrapers.sources import parse_entry
from tests.distributed.conftest import TimedBoardServer
from tests.services import RedisServer, free_port
from warehouse.config import PROJECT_ROOT

pytestmark = pytest.mark.distributed

#: Seconds between two requests to one host (small, so that the test stays short).
DELAY = 0.1
LEASE_SECONDS = 2.0


def worker_environment(data_dir: Path) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("POSTINGS_")}
    environment.update(
        {
            "POSTINGS_DATA_DIR": str(data_dir),
            "POSTINGS_LOG_LEVEL": "INFO",
            # A dead worker's places at a host come back after the timeout (+5 s).
            "POSTINGS_DOWNLOAD_TIMEOUT": "5",
            "POSTINGS_CONDITIONAL_REQUESTS": "false",
            "SCRAPY_SETTINGS_MODULE": "scrapers.settings",
            "PYTHONPATH": str(PROJECT_ROOT),
        }
    )
    return environment


def start_worker(url: str, night: str, data_dir: Path, log: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "scrapers.worker",
        "--frontier",
        url,
        "--night",
        night,
        "--landing-dir",
        str(data_dir / "landing"),
        "--parallel",
        "8",
        "--lease-seconds",
        str(LEASE_SECONDS),
    ]
    with log.open("wb") as output:
        return subprocess.Popen(
            command,
            env=worker_environment(data_dir),
            cwd=PROJECT_ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def board_entries(servers: list[TimedBoardServer], boards: dict[int, list[str]]) -> list:
    return [
        parse_entry(
            {
                "kind": "greenhouse",
                "board": board,
                "api_base": server.base_url,
                "delay": DELAY,
                "concurrency": 2,
            },
            position,
        )
        for number, server in enumerate(servers)
        for position, board in enumerate(boards[number], 1)
    ]


def gaps_of(server: TimedBoardServer) -> list[float]:
    times = sorted(when for when, _ in server.timeline)
    return [later - earlier for earlier, later in pairwise(times)]


def test_three_workers_one_killed_land_every_board_once_and_keep_each_hosts_delay(
    redis_url, tmp_path
):
    boards = {host: [f"board{host}x{n:03d}" for n in range(100)] for host in range(2)}
    with TimedBoardServer(boards[0]) as first, TimedBoardServer(boards[1]) as second:
        servers = [first, second]
        entries = board_entries(servers, boards)
        frontier = Frontier.connect(redis_url)
        night = frontier.enqueue(entries)
        logs = [tmp_path / f"worker{n}.log" for n in range(3)]
        workers = [start_worker(redis_url, night, tmp_path, log) for log in logs]
        deadline = time.monotonic() + 60
        while frontier.progress(night).done < 40 and time.monotonic() < deadline:
            time.sleep(0.05)
        workers[0].send_signal(signal.SIGKILL)  # mid-run: it holds leases of sources in flight
        codes = [worker.wait(timeout=120) for worker in workers]
        progress = frontier.progress(night)
        results = frontier.results(night)
        attempts = frontier.attempts(night)

    landing = tmp_path / "landing" / "greenhouse"
    manifests = [json.loads(path.read_text()) for path in landing.rglob("*.run.json")]
    landed = Counter(path.parent.name for path in landing.rglob("*.jsonl"))
    reclaimed = [key for key, count in attempts.items() if count > 1]
    host_gaps = {server.base_url: min(gaps_of(server)) for server in servers}
    print(f"reclaimed after the kill: {len(reclaimed)}; smallest gaps: {host_gaps}")

    assert codes[0] == -signal.SIGKILL
    assert codes[1:] == [0, 0], [log.read_text()[-3000:] for log in logs[1:]]
    assert all("Traceback" not in log.read_text() for log in logs[1:])
    assert progress.drained
    assert progress.done == 200
    assert reclaimed  # the killed worker's sources were crawled again by the others
    by_source = defaultdict(list)
    for manifest in manifests:
        by_source[manifest["source_key"]].append(manifest["status"])
    assert {entry.key for entry in entries} == set(by_source)
    assert all(statuses == ["succeeded"] for statuses in by_source.values()), by_source
    assert set(landed.values()) == {1}
    assert len(landed) == 200
    assert {result["status"] for result in results.values()} == {"succeeded"}
    # every board's page asked once per landed run, and once more per killed run at most
    for server, host in zip(servers, range(2), strict=True):
        pages = Counter(path for _, path in server.timeline if path != "/robots.txt")
        assert set(pages) == {f"/v1/boards/{board}/jobs" for board in boards[host]}
    for url, smallest in host_gaps.items():
        assert smallest >= DELAY, (url, sorted(gaps_of(servers[0]))[:5])


def test_an_unreachable_frontier_is_one_error_naming_it_and_nothing_is_crawled(
    tmp_path, monkeypatch
):
    with TimedBoardServer(["acme"]) as server:
        sources = tmp_path / "sources.yml"
        sources.write_text(
            f'sources:\n  - {{kind: greenhouse, board: acme, api_base: "{server.base_url}"}}\n'
        )
        url = f"redis://127.0.0.1:{free_port()}/0"
        monkeypatch.setenv("POSTINGS_DATA_DIR", str(tmp_path / "data"))

        result = CliRunner().invoke(
            cli.app, ["crawl", "--sources", str(sources), "--frontier", url]
        )

        assert result.exit_code == 2
        assert f"error: the crawl frontier {url} cannot be reached" in result.output
        assert result.output.count("error:") == 1
        assert server.timeline == []
        assert not (tmp_path / "data" / "landing").exists()


class SlowBoardServer(TimedBoardServer):
    """The board's page takes ``seconds`` to answer: a source still running when Redis goes."""

    def __init__(self, boards: list[str], seconds: float) -> None:
        super().__init__(boards)
        self.seconds = seconds
        self.page_asked = threading.Event()

    def handle(self, handler) -> None:
        if handler.path.startswith("/v1/"):
            self.page_asked.set()
            time.sleep(self.seconds)
        super().handle(handler)


def test_a_worker_that_loses_redis_mid_source_stops_it_as_failed_landing_nothing(tmp_path):
    with RedisServer() as own_redis, SlowBoardServer(["slow"], seconds=3) as server:
        entries = [
            parse_entry(
                {"kind": "greenhouse", "board": "slow", "api_base": server.base_url, "delay": 0},
                1,
            )
        ]
        night = Frontier.connect(own_redis.url).enqueue(entries)
        log = tmp_path / "worker.log"
        worker = start_worker(own_redis.url, night, tmp_path, log)
        assert server.page_asked.wait(timeout=30), log.read_text()[-3000:]
        own_redis.stop()  # mid-source: its page is still being answered
        code = worker.wait(timeout=60)

    [manifest_file] = (tmp_path / "landing").rglob("*.run.json")
    manifest = json.loads(manifest_file.read_text())
    assert code == 1, log.read_text()[-3000:]
    assert manifest["status"] == "failed"
    assert manifest["postings"] == 0
    assert manifest["landing_file"] is None
    assert "was lost" in manifest["error_summary"]
    assert list((tmp_path / "landing").rglob("*.jsonl")) == []


def test_crawl_with_a_frontier_starts_its_workers_and_reports_every_source(
    redis_url, tmp_path, monkeypatch
):
    boards = [f"board{n}" for n in range(10)]
    with TimedBoardServer(boards) as server:
        sources = tmp_path / "sources.yml"
        sources.write_text(
            "sources:\n"
            + "".join(
                f'  - {{kind: greenhouse, board: {board}, api_base: "{server.base_url}", '
                "delay: 0.05}\n"
                for board in boards
            )
        )
        monkeypatch.setenv("POSTINGS_DATA_DIR", str(tmp_path / "data"))
        monkeypatch.setenv("POSTINGS_CONDITIONAL_REQUESTS", "false")

        result = CliRunner().invoke(
            cli.app, ["crawl", "--sources", str(sources), "--frontier", redis_url, "--workers", "2"]
        )

    manifests = list((tmp_path / "data" / "landing").rglob("*.run.json"))
    assert result.exit_code == 0, result.output
    assert len(manifests) == 10
    assert {json.loads(path.read_text())["status"] for path in manifests} == {"succeeded"}
    assert min(gaps_of(server)) >= 0.05
