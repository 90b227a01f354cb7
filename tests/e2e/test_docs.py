"""`postings docs` end to end: generate the dbt docs, serve them on 127.0.0.1, fetch, stop.

Runs the real command in a child process (as a user would), on a copy of the session's demo
warehouse, then fetches the docs' index, `catalog.json` (the columns of the built tables) and
the study's report served beside them, and stops the server.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return bytes(response.read())


def test_docs_generates_serves_and_stops(demo, tmp_path):
    database = tmp_path / "data" / "warehouse.duckdb"
    database.parent.mkdir()
    shutil.copyfile(demo.database, database)
    port = free_port()
    environment = {
        **os.environ,
        "POSTINGS_DATA_DIR": str(database.parent),
        "POSTINGS_DB": str(database),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "warehouse.cli", "docs", "--port", str(port)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        # Ctrl-C as a user's terminal sends it, even when the suite itself runs where SIGINT is
        # ignored (a background job of a script), which the child would otherwise inherit.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600
        index = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                index = fetch(f"{base}/index.html")
                break
            except OSError:
                time.sleep(1)
        assert index is not None, f"docs never served (exit {server.poll()})"
        catalog = json.loads(fetch(f"{base}/catalog.json"))
        report = fetch(f"{base}/report.html")
    finally:
        os.killpg(server.pid, signal.SIGINT)
        output, _ = server.communicate(timeout=60)

    assert b"dbt" in index
    assert "model.postings.dim_postings" in catalog["nodes"]
    columns = catalog["nodes"]["model.postings.fct_posting_skills"]["columns"]
    assert "skill_id" in {name.lower() for name in columns}
    assert b"<svg" in report
    assert f"Serving dbt docs on {base}/" in output
    assert server.returncode in (0, 130, -signal.SIGINT)
