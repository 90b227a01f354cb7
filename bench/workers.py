"""Workers stage: the crawl of the SYNTHETIC boards through a shared frontier, 1, 2 and 4 workers.

The same SYNTHETIC Greenhouse boards as the crawl stage (:func:`bench.crawl.build_recording`)
are served from 127.0.0.1 by :class:`bench.server.PageServer` and put on a frontier in a real
``redis-server`` on 127.0.0.1 (``tests.services.RedisServer``, started here and stopped at the
end). Then ``python -m scrapers.worker`` runs with 1, 2 and 4 processes on this machine, each
night timed from the first request the server sees to the exit of the last worker. The boards
set ``delay: 0`` and a high ``concurrency``: this measures what the workers themselves cost and
gain (claims, renewals and one gate round trip per request), not a host's politeness. Each
row's baseline is one worker; on a machine of C cores, more than C workers cannot go faster.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
from pathlib import Path

from bench.corpus import DEFAULT_FIXTURES
from bench.crawl import build_recording
from bench.proc import child_env
from bench.report import Row
from bench.server import PageServer

logger = logging.getLogger(__name__)

WORKER_COUNTS = (1, 2, 4)


def measure(
    workdir: Path,
    boards: int,
    jobs: int,
    seed: int,
    parallel: int = 16,
    fixtures_dir: Path = DEFAULT_FIXTURES,
) -> list[Row]:
    """Crawl the recording through a frontier with 1, 2 and 4 workers."""
    from scrapers.frontier import Frontier
    from scrapers.sources import parse_entry
    from tests.services import RedisServer

    pages = build_recording(workdir / "pages", boards, jobs, seed, fixtures_dir)
    seconds: dict[int, float] = {}
    with PageServer(pages) as server, RedisServer() as redis_server:
        entries = [
            parse_entry(
                {
                    "kind": "greenhouse",
                    "board": url_path.split("/")[3],
                    "api_base": server.base_url,
                    "delay": 0,
                    "concurrency": parallel,
                },
                position,
            )
            for position, url_path in enumerate(pages, 1)
        ]
        frontier = Frontier.connect(redis_server.url)
        for count in WORKER_COUNTS:
            night = frontier.enqueue(entries)
            data = workdir / f"data-{count}"
            server.reset()
            environment = child_env(
                {
                    "POSTINGS_LOG_LEVEL": "WARNING",
                    "POSTINGS_DATA_DIR": str(data),
                    "SCRAPY_SETTINGS_MODULE": "scrapers.settings",
                }
            )
            command = [
                sys.executable,
                "-m",
                "scrapers.worker",
                "--frontier",
                redis_server.url,
                "--night",
                night,
                "--parallel",
                str(parallel),
            ]
            logs = [(workdir / f"worker-{count}-{n}.log").open("wb") for n in range(count)]
            workers = [
                subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT)
                for log in logs
            ]
            codes = [worker.wait(timeout=1800) for worker in workers]
            ended = time.monotonic()
            for log in logs:
                log.close()
            results = frontier.results(night)
            landed = sum(
                int(json.loads(Path(r["manifest"]).read_text()).get("postings") or 0)
                for r in results.values()
            )
            if any(codes) or len(results) != boards or landed != boards * jobs:
                raise RuntimeError(
                    f"{count} workers: exit codes {codes}, {len(results)} of {boards} boards, "
                    f"{landed} of {boards * jobs} postings (logs in {workdir})"
                )
            assert server.first_request_at is not None
            seconds[count] = ended - server.first_request_at
            logger.info(
                "workers: %d x %d boards in %.1f s (%d requests)",
                count,
                boards,
                seconds[count],
                server.requests,
            )
        frontier.close()
    one = boards / seconds[1]
    return [
        Row(
            "workers",
            f"{count} worker(s) on a frontier, {boards} boards x {jobs} jobs",
            boards / seconds[count],
            "pages/s",
            "1 worker",
            one,
            note=f"--parallel {parallel} each; 1 host, delay 0; redis-server on 127.0.0.1",
        )
        for count in WORKER_COUNTS
    ]
