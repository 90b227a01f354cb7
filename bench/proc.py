"""Run one measured step in a child process and read its own peak RSS.

Each measured step (the loader, DuckDB's bulk read, a crawl, dbt) runs in a fresh child so that
its peak resident set is its own. The child is started through :mod:`bench.child`, which runs the
module and then writes the process's ``VmHWM`` (its own peak RSS since ``exec``):
``getrusage(RUSAGE_CHILDREN)`` reports the largest of every child reaped so far, and even
``os.wait4``'s per-child ``ru_maxrss`` carries the parent's size at fork time on Linux. The child
writes what it timed itself to a small JSON file, so interpreter start-up is not counted.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from warehouse.config import PROJECT_ROOT

logger = logging.getLogger(__name__)


@dataclass
class ChildResult:
    """How a child process ended and what it reported."""

    returncode: int
    wall_seconds: float
    max_rss_bytes: int
    started_at: float
    ended_at: float
    report: dict[str, Any] = field(default_factory=dict)
    stderr_tail: str = ""

    @property
    def max_rss_mib(self) -> float:
        """Peak resident set of the child, MiB."""
        return self.max_rss_bytes / 2**20


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment with the project on ``PYTHONPATH``."""
    environment = dict(os.environ)
    pythonpath = environment.get("PYTHONPATH", "")
    environment["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), pythonpath) if p)
    environment.update(extra or {})
    return environment


def run_child(
    module_args: list[str],
    report_path: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 3600.0,
    log_path: Path | None = None,
) -> ChildResult:
    """Run ``python -m <module_args>``; return its peak RSS and the JSON it wrote, if any."""
    log_path = log_path or Path(os.devnull)
    rss_file = Path(tempfile.mkstemp(prefix="bench-rss-")[1])
    command = [sys.executable, "-m", "bench.child", str(rss_file), *module_args]
    logger.debug("running %s", " ".join(command))
    with log_path.open("ab") as log:
        started = time.monotonic()
        process = subprocess.Popen(
            command, cwd=str(PROJECT_ROOT), env=env or child_env(), stdout=log, stderr=log
        )
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        ended = time.monotonic()
    process.returncode = os.waitstatus_to_exitcode(status)
    own_peak = rss_file.read_text(encoding="ascii").strip() if rss_file.exists() else ""
    rss_file.unlink(missing_ok=True)
    # VmHWM written by bench.child; wait4's ru_maxrss (which can include the parent's memory
    # at fork time) only when the child died before it could write it
    peak = int(own_peak) if own_peak else usage.ru_maxrss * 1024
    result = ChildResult(process.returncode, ended - started, peak, started, ended)
    if report_path is not None and report_path.exists():
        result.report = json.loads(report_path.read_text(encoding="utf-8"))
    if process.returncode != 0 and log_path != Path(os.devnull):
        result.stderr_tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
    return result


def write_report(path: Path, report: dict[str, Any]) -> None:
    """Write a child's measurements for the parent (called in the child)."""
    path.write_text(json.dumps(report), encoding="utf-8")
