"""Shared test helpers: saved responses as Scrapy responses, spiders with stats, offline crawls.

Every crawl test runs the real runner (``python -m scrapers.runner``) in a child process against a
:class:`~warehouse.replay.ReplayServer` on 127.0.0.1, exactly as ``postings demo`` does, so a test
exercises settings, middlewares (robots.txt included), pipelines and manifests together.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse
from scrapy.utils.test import get_crawler

from scrapers.spiders.base import PostingsSpider
from warehouse.replay import RECORDING_DIR, ReplayServer, Route

FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
#: A crawl of a few local pages takes about two seconds; this only stops a hung child.
CRAWL_TIMEOUT_SECONDS = 180

SpiderT = TypeVar("SpiderT", bound=PostingsSpider)


def fixture_path(relative_path: str) -> Path:
    """A saved response under ``tests/fixtures/``, else under the demo's recording.

    The bundled recording (``warehouse/recording/``, with its own PROVENANCE.tsv) is the one
    copy of the real responses the demo serves; tests read the same files rather than a copy.
    ``tests/fixtures/`` holds only what the recording does not.
    """
    path = FIXTURES_DIR / relative_path
    if not path.is_file():
        path = RECORDING_DIR / relative_path
    assert path.is_file(), f"no fixture {relative_path} in tests/fixtures or the recording"
    return path


@pytest.fixture
def fixture_file() -> Callable[[str], Path]:
    """The path of a saved response under ``tests/fixtures/``."""
    return fixture_path


@pytest.fixture
def fixture_json() -> Callable[[str], Any]:
    """The decoded content of a saved JSON response (a fresh copy each call)."""
    return lambda relative_path: json.loads(fixture_path(relative_path).read_bytes())


@pytest.fixture
def route_to() -> Callable[..., Route]:
    """A replay route answering ``path`` with a saved response."""

    def make(path: str, relative_path: str, **kwargs: Any) -> Route:
        return Route(path=path, file=fixture_path(relative_path), **kwargs)

    return make


@pytest.fixture
def json_response() -> Callable[..., TextResponse]:
    """Build a response from a saved JSON answer, as if downloaded from ``url``."""

    def make(relative_path: str, *, url: str, body: bytes | None = None) -> TextResponse:
        content = fixture_path(relative_path).read_bytes() if body is None else body
        return TextResponse(
            url=url,
            body=content,
            encoding="utf-8",
            request=Request(url),
            headers={"Content-Type": "application/json"},
        )

    return make


@pytest.fixture
def html_response() -> Callable[..., HtmlResponse]:
    """Build a response from a saved page, as if it had been downloaded from ``url``."""

    def make(relative_path: str, *, url: str, body: bytes | None = None) -> HtmlResponse:
        content = fixture_path(relative_path).read_bytes() if body is None else body
        return HtmlResponse(url=url, body=content, encoding="utf-8", request=Request(url))

    return make


@pytest.fixture
def make_spider() -> Callable[..., Any]:
    """Create a spider for one source entry, wired to a crawler so that its counters count."""

    def make(spider_cls: type[SpiderT], **options: Any) -> SpiderT:
        crawler = get_crawler(spider_cls)
        spider = spider_cls.from_crawler(crawler, options={"kind": spider_cls.name, **options})
        crawler.spider = spider
        return spider

    return make


def postings_counters(spider: PostingsSpider) -> dict[str, Any]:
    """The spider's ``postings/...`` counters."""
    assert spider.crawler is not None
    assert spider.crawler.stats is not None
    return {
        key: value
        for key, value in spider.crawler.stats.get_stats().items()
        if key.startswith("postings/")
    }


@pytest.fixture
def stats_of() -> Callable[[PostingsSpider], dict[str, Any]]:
    """Read a spider's ``postings/...`` counters."""
    return postings_counters


@dataclass
class CrawlResult:
    """What one run of the runner left behind."""

    manifests: list[dict[str, Any]]
    records: list[dict[str, Any]]
    #: Paths (with query) the replay server was asked for, in order.
    requests: list[str]
    #: The runner's log, for assertion messages.
    log: str = field(repr=False, default="")

    def manifest(self, source_key: str) -> dict[str, Any]:
        """The manifest of one source's run."""
        matching = [m for m in self.manifests if m["source_key"] == source_key]
        assert len(matching) == 1, f"{source_key}: {len(matching)} manifests\n{self.log[-3000:]}"
        return matching[0]

    def records_of(self, source_key: str) -> list[dict[str, Any]]:
        """The landed records of one source."""
        return [r for r in self.records if r["source_key"] == source_key]


@pytest.fixture
def run_crawl(tmp_path: Path) -> Callable[..., CrawlResult]:
    """Run ``scrapers.runner`` over a sources file against a local replay server.

    ``sources_yaml`` may use ``{replay}`` for the server's base URL (the runner substitutes it).
    Pass ``routes`` for a :class:`ReplayServer`, or a ready (not yet started) ``server``.
    """

    def run(
        sources_yaml: str, routes: list[Route] | None = None, *, server: ReplayServer | None = None
    ) -> CrawlResult:
        server = server if server is not None else ReplayServer(routes or [])
        sources = tmp_path / "sources.yml"
        sources.write_text(sources_yaml, encoding="utf-8")
        landing_dir, summary = tmp_path / "landing", tmp_path / "summary.json"
        environment = {**os.environ, "POSTINGS_DATA_DIR": str(tmp_path / "data")}
        with server:
            completed = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "scrapers.runner",
                    "--sources",
                    str(sources),
                    "--landing-dir",
                    str(landing_dir),
                    "--summary",
                    str(summary),
                    "--substitute",
                    f"replay={server.base_url}",
                ],
                capture_output=True,
                text=True,
                timeout=CRAWL_TIMEOUT_SECONDS,
                cwd=tmp_path,
                env=environment,
                check=False,
            )
            requests = list(server.requests)
        log = completed.stdout + completed.stderr
        assert completed.returncode == 0, f"runner failed:\n{log[-5000:]}"
        manifests, records = [], []
        for manifest_path in map(Path, json.loads(summary.read_text(encoding="utf-8"))):
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            manifests.append(manifest)
            if manifest.get("landing_file"):
                landing_file = manifest_path.with_name(manifest["landing_file"])
                with landing_file.open(encoding="utf-8") as handle:
                    records.extend(json.loads(line) for line in handle)
        return CrawlResult(manifests=manifests, records=records, requests=requests, log=log)

    return run
