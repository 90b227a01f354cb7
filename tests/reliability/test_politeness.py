"""Politeness and safety: polite defaults, delays honoured, request counts bounded, docs local.

Covered elsewhere, not repeated here: robots.txt disallow is obeyed
(tests/scrapers/test_runner.py::test_a_path_disallowed_by_robots_txt_is_not_fetched_and_fails_the_run);
credentials are masked in logs, messages and records (tests/scrapers/test_redact.py), and no
configured secret reaches the output, landing files or warehouse of a whole nightly
(tests/reliability/test_fault_night.py).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import textwrap
import threading
import urllib.request
from itertools import pairwise

import pytest
from typer.testing import CliRunner

import warehouse.cli as cli
from tests.reliability.conftest import outcome
from tests.reliability.faults import FaultyReplayServer
from tests.reliability.scenario import slowpoke_routes
from warehouse.config import PROJECT_ROOT, get_settings
from warehouse.replay import RECORDING_DIR, load_routes

SETTINGS_OF_AN_ENTRY = textwrap.dedent("""
    import json, sys
    from scrapy.utils.project import get_project_settings
    from scrapers.runner import night_settings
    from scrapers.sources import parse_entry

    entry = parse_entry(json.loads(sys.argv[1]), 1)
    settings = get_project_settings()
    settings.setdict(night_settings([entry], 8), priority="cmdline")
    names = ["ROBOTSTXT_OBEY", "USER_AGENT", "CONCURRENT_REQUESTS_PER_DOMAIN", "DOWNLOAD_DELAY",
             "DOWNLOAD_DELAY_JITTER", "AUTOTHROTTLE_ENABLED", "AUTOTHROTTLE_START_DELAY",
             "RETRY_TIMES", "RETRY_HTTP_CODES", "DOWNLOAD_TIMEOUT", "DOWNLOAD_MAXSIZE",
             "POSTINGS_MAX_REQUESTS_PER_SOURCE", "COOKIES_ENABLED", "TELNETCONSOLE_ENABLED",
             "REMOTE_CONTROL_ENABLED"]
    values = {name: settings.get(name) for name in names}
    values["DOWNLOAD_SLOTS"] = settings.getdict("DOWNLOAD_SLOTS")
    print(json.dumps(values))
""")


def scrapy_settings_of(entry: dict) -> dict:
    """The Scrapy settings a source entry's crawler gets, with no POSTINGS_* in the environment."""
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("POSTINGS_")
    }
    environment["PYTHONPATH"] = str(PROJECT_ROOT)
    completed = subprocess.run(
        [sys.executable, "-c", SETTINGS_OF_AN_ENTRY, json.dumps(entry)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=environment,
        timeout=60,
        check=True,
    )
    return json.loads(completed.stdout.splitlines()[-1])


def test_a_default_entry_gets_polite_settings_and_an_entry_can_override_them():
    default = scrapy_settings_of({"kind": "greenhouse", "board": "acme"})
    custom = scrapy_settings_of(
        {"kind": "greenhouse", "board": "acme", "delay": 0.5, "concurrency": 1, "max_requests": 3}
    )
    polite = {
        "ROBOTSTXT_OBEY": True,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
        "DOWNLOAD_DELAY": 1.0,
        "DOWNLOAD_DELAY_JITTER": 0.0,
        "AUTOTHROTTLE_ENABLED": True,
        "RETRY_TIMES": 3,
        "DOWNLOAD_TIMEOUT": 30.0,
        "DOWNLOAD_MAXSIZE": 64 * 1024 * 1024,
        "POSTINGS_MAX_REQUESTS_PER_SOURCE": 5000,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
    }
    ok = all(default[name] == value for name, value in polite.items())
    outcome(
        "polite",
        "settings of a default source entry",
        "greenhouse:acme",
        "robots.txt, 2 per host, 1 s apart, AutoThrottle, 3 retries, no control servers",
        "as expected" if ok else "DIFFERENT",
        ok,
    )

    assert {name: default[name] for name in polite} == polite
    assert "+https://" in default["USER_AGENT"]  # names the project and a contact URL
    assert {429, 503} <= set(default["RETRY_HTTP_CODES"])
    # An entry's delay and concurrency are its host's for the whole night (scrapers.night);
    # max_requests is its own (tests/scrapers/test_night.py).
    assert default["DOWNLOAD_SLOTS"] == {}
    assert custom["DOWNLOAD_SLOTS"] == {
        "boards-api.greenhouse.io": {"jitter": 0.0, "delay": 0.5, "concurrency": 1}
    }


def test_a_delay_spaces_the_requests_to_one_host(run_crawl):
    server = FaultyReplayServer(load_routes(RECORDING_DIR))

    result = run_crawl(
        "sources:\n  - {kind: jsonld, name: demo-careers, "
        'sitemap: "{replay}/sitemap.xml", delay: 0.5}\n',
        server=server,
    )

    times = [when for when, _ in server.timeline]
    gaps = [later - earlier for earlier, later in pairwise(times)]
    ok = len(times) >= 5 and min(gaps) >= 0.4 and statistics.median(gaps) >= 0.48
    outcome(
        "polite",
        "delay: 0.5 on one host",
        "jsonld:demo-careers",
        "requests >= 0.5 s apart",
        f"{len(times)} requests, smallest gap {min(gaps):.3f} s",
        ok,
    )
    assert result.manifest("jsonld:demo-careers")["status"] == "succeeded"
    assert len(times) >= 5  # robots.txt, the sitemap and three pages
    # 0.5 s apart as sent; as seen by the server, less the jitter of a busy machine's threads.
    assert min(gaps) >= 0.4, gaps
    assert statistics.median(gaps) >= 0.48, gaps


def test_max_requests_stops_a_paginating_source_and_marks_the_run_partial(run_crawl):
    server = FaultyReplayServer(slowpoke_routes((250, 250, 250, 250)))

    result = run_crawl(
        'sources:\n  - {kind: lever, site: slowpoke, api_base: "{replay}", '
        "delay: 0, max_requests: 3}\n",
        server=server,
    )

    manifest = result.manifest("lever:slowpoke")
    seen = len(server.timeline)
    ok = seen == 4 and manifest["status"] == "partial"
    outcome(
        "polite",
        "max_requests: 3 on a source of 4 pages",
        "lever:slowpoke",
        "3 pages and robots.txt, partial",
        f"{seen} requests, {manifest['status']}, {manifest['postings']} postings",
        ok,
    )
    assert seen == 4  # robots.txt (the host's, not the source's) and three pages of four
    assert (manifest["status"], manifest["finish_reason"]) == ("partial", "closespider_pagecount")
    assert "closespider_pagecount" in manifest["error_summary"]
    assert manifest["postings"] == 750


def test_the_docs_server_binds_to_localhost_and_serves_until_stopped(tmp_path):
    (tmp_path / "index.html").write_text("<html>docs</html>", encoding="utf-8")
    server = cli.docs_server(tmp_path, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        with urllib.request.urlopen(f"http://{host}:{port}/index.html", timeout=10) as response:
            body = response.read()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    outcome(
        "polite", "docs server", "postings docs", "127.0.0.1 by default", host, host == "127.0.0.1"
    )
    assert host == "127.0.0.1"
    assert body == b"<html>docs</html>"
    assert not thread.is_alive()


@pytest.fixture
def docs_without_dbt(tmp_path, monkeypatch):
    """`postings docs` with dbt's docs generation stubbed and a server that returns at once."""
    monkeypatch.setenv("POSTINGS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("POSTINGS_DB", str(tmp_path / "data" / "warehouse.duckdb"))
    get_settings.cache_clear()
    monkeypatch.setattr("warehouse.pipeline.transform", lambda *args, **kwargs: True)
    bound = []
    real = cli.docs_server

    class NotServing:
        def __init__(self, directory, host, port):
            self.server_address = (host, port)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return None

        def serve_forever(self):
            return None

    def recording_server(directory, host=cli.DOCS_HOST, port=8080):
        # The default address is really bound; another one is only recorded (no test binds
        # anything but 127.0.0.1).
        server = (
            real(directory, host, 0) if host == "127.0.0.1" else NotServing(directory, host, port)
        )
        server.serve_forever = lambda: None
        bound.append(server.server_address[0])
        return server

    monkeypatch.setattr(cli, "docs_server", recording_server)
    yield bound
    get_settings.cache_clear()


def test_postings_docs_serves_on_127_0_0_1_unless_told_otherwise(docs_without_dbt):
    bound = docs_without_dbt

    default = CliRunner().invoke(cli.app, ["docs", "--port", "0"])
    told = CliRunner().invoke(cli.app, ["docs", "--host", "0.0.0.0", "--port", "0"])

    assert default.exit_code == 0, default.output
    assert told.exit_code == 0, told.output
    assert bound == ["127.0.0.1", "0.0.0.0"]
    assert "http://127.0.0.1:" in default.output
