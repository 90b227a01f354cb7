"""Don't download what has not changed (``scrapers.conditional``): 304s and dated details.

The board is the real recorded Greenhouse page (and the real Workday search and detail pages),
served from 127.0.0.1 by a server that answers conditional requests as real API hosts do: an
``ETag`` on every page, ``304 Not Modified`` when ``If-None-Match`` names it.
"""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler

import duckdb
import pytest

from scrapers.conditional import RevalidatingPolicy, as_datetime
from scrapers.kinds.workday.spider import posted_since
from warehouse.load import load as load_landing
from warehouse.replay import LocalHTTPServer


class ConditionalServer:
    """Pages by path; an ETag on each; 304 when the request names the current ETag."""

    def __init__(self, pages: dict[str, bytes]) -> None:
        self.pages = dict(pages)
        self.log: list[tuple[str, int]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                body = outer.pages.get(path)
                if path == "/robots.txt":
                    body = body or b"User-agent: *\nAllow: /\n"
                if body is None:
                    outer.log.append((self.path, 404))
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    outer.log.append((self.path, 304))
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                outer.log.append((self.path, 200))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = LocalHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # the run_crawl fixture's server protocol
    def __enter__(self) -> ConditionalServer:
        if not self.thread.is_alive():
            self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)

    @property
    def requests(self) -> list[str]:
        return [path for path, _ in self.log]

    def close(self) -> None:
        self.server.server_close()


@pytest.fixture
def board(fixture_file):
    server = ConditionalServer(
        {"/v1/boards/acme/jobs": fixture_file("greenhouse/greenhouse_1.json").read_bytes()}
    )
    yield server
    server.close()


SOURCES = 'sources:\n  - {kind: greenhouse, board: acme, api_base: "{replay}", delay: 0}\n'


def test_an_unchanged_board_answers_304_and_costs_a_sighting_not_a_version(
    run_crawl, board, tmp_path
):
    first = run_crawl(SOURCES, server=board)
    second = run_crawl(SOURCES, server=board)

    assert [status for path, status in board.log if path.startswith("/v1/")] == [200, 304]
    manifest = second.manifest("greenhouse:acme")
    assert (manifest["status"], manifest["postings"]) == ("succeeded", 4)
    assert manifest["counters"]["postings/not_modified"] == 1
    assert "postings/not_modified" not in first.manifest("greenhouse:acme")["counters"]
    # The kept page is landed again, byte for byte: the loader keeps the versions it had.
    assert [r["payload"] for r in second.records] == [r["payload"] for r in first.records]
    database = tmp_path / "warehouse.duckdb"
    load_landing(database, tmp_path / "landing")
    with duckdb.connect(str(database), read_only=True) as connection:
        versions, sightings, runs = connection.execute(
            "select (select count(*) from raw.posting_versions), "
            "(select count(*) from raw.sightings), (select count(*) from raw.crawl_runs)"
        ).fetchone()
    assert (versions, sightings, runs) == (4, 8, 2)


def test_a_changed_board_is_downloaded_again(run_crawl, board, fixture_file):
    run_crawl(SOURCES, server=board)
    board.pages["/v1/boards/acme/jobs"] = (
        fixture_file("greenhouse/greenhouse_1.json")
        .read_bytes()
        .replace(b"Anthropic", b"Anthropic PBC")
    )

    second = run_crawl(SOURCES, server=board)

    assert [status for path, status in board.log if path.startswith("/v1/")] == [200, 200]
    assert "postings/not_modified" not in second.manifest("greenhouse:acme")["counters"]


def test_a_server_error_is_never_hidden_by_the_kept_page(run_crawl, board, monkeypatch):
    monkeypatch.setenv("POSTINGS_RETRY_TIMES", "0")
    run_crawl(SOURCES, server=board)
    del board.pages["/v1/boards/acme/jobs"]  # now a 404

    second = run_crawl(SOURCES, server=board)

    assert second.manifest("greenhouse:acme")["status"] == "failed"


def test_conditional_requests_can_be_turned_off(run_crawl, board, monkeypatch):
    monkeypatch.setenv("POSTINGS_CONDITIONAL_REQUESTS", "false")
    run_crawl(SOURCES, server=board)
    run_crawl(SOURCES, server=board)

    assert [status for path, status in board.log if path.startswith("/v1/")] == [200, 200]


def test_workday_details_unchanged_since_they_were_kept_are_not_requested(run_crawl, fixture_file):
    search = fixture_file("workday/workday_search_1.json").read_bytes()
    detail = fixture_file("workday/workday_detail_1.json").read_bytes()
    postings = json.loads(search)["jobPostings"]
    pages = {path["externalPath"]: detail for path in postings}
    server = ConditionalServer({})
    server.pages.update({f"/wday/cxs/acme/External{path}": body for path, body in pages.items()})
    search_page = json.dumps({**json.loads(search), "total": len(postings)}).encode()

    # The search is a POST; the server answers it from the same table (http.server dispatch).
    def do_post(handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        handler.rfile.read(length)
        server.log.append((handler.path, 200))
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(search_page)))
        handler.end_headers()
        handler.wfile.write(search_page)

    server.server.RequestHandlerClass.do_POST = do_post  # type: ignore[attr-defined]
    sources = (
        "sources:\n  - {kind: workday, tenant: acme, site: External, "
        'api_base: "{replay}", delay: 0, concurrency: 8}\n'
    )
    try:
        first = run_crawl(sources, server=server)
        detail_requests = [p for p, _ in server.log if "/job/" in p]
        second = run_crawl(sources, server=server)
    finally:
        server.close()

    assert len(detail_requests) == len(postings)
    assert [p for p, _ in server.log if "/job/" in p] == detail_requests  # none the second night
    counters = second.manifest("workday:acme/External")["counters"]
    assert counters["postings/unchanged_not_requested"] == len(postings)
    # One real detail page stands for every listed posting here, so one posting (the others
    # repeat its id); the kept page lands it again as it was.
    assert [r["payload"] for r in second.records] == [r["payload"] for r in first.records]
    assert len(second.records) == 1


def test_posted_on_gives_a_bound_on_when_the_posting_last_changed():
    now = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
    midnight = datetime(2026, 12, 7, tzinfo=UTC)

    assert posted_since("Posted 8 Days Ago", now) == midnight - timedelta(days=6)
    assert posted_since("Posted 30+ Days Ago", now) == midnight - timedelta(days=28)
    assert posted_since("Posted Today", now) == midnight + timedelta(days=2)
    assert posted_since("Posted Yesterday", now) == midnight + timedelta(days=1)
    assert posted_since("Heute ausgeschrieben", now) is None
    assert posted_since(None, now) is None


def test_the_policy_never_trusts_a_kept_page_over_a_server_error():
    from scrapy import Request
    from scrapy.http import Response
    from scrapy.settings import Settings

    policy = RevalidatingPolicy(Settings())
    request = Request("https://boards-api.greenhouse.io/v1/boards/acme/jobs")
    kept = Response(
        request.url, status=200, headers={"ETag": '"a"', "Cache-Control": "max-age=9999"}
    )

    assert not policy.is_cached_response_fresh(kept, request)  # always asked again
    assert request.headers[b"If-None-Match"] == b'"a"'
    assert not policy.is_cached_response_valid(kept, Response(request.url, status=503), request)
    assert policy.is_cached_response_valid(kept, Response(request.url, status=304), request)
    assert not policy.should_cache_response(Response(request.url, status=200), request)
    assert as_datetime("2026-12-01T00:00:00") == datetime(2026, 12, 1, tzinfo=UTC)


def test_the_cache_lists_what_it_keeps_once_and_asks_the_disk_only_for_those(tmp_path, monkeypatch):
    from pathlib import Path

    from scrapy import Request, Spider
    from scrapy.http import Response
    from scrapy.utils.test import get_crawler

    from scrapers.conditional import IndexedCacheStorage

    crawler = get_crawler(Spider, {"HTTPCACHE_DIR": str(tmp_path), "HTTPCACHE_EXPIRATION_SECS": 0})
    spider = Spider.from_crawler(crawler, name="night")
    kept, other = Request("http://127.0.0.1/kept"), Request("http://127.0.0.1/other")
    first = IndexedCacheStorage(crawler.settings)
    first.open_spider(spider)
    first.store_response(
        spider, kept, Response(kept.url, status=200, headers={"ETag": "1"}, body=b"{}")
    )
    assert first.retrieve_response(spider, kept) is not None  # stored tonight: known

    second = IndexedCacheStorage(crawler.settings)  # the next night's crawl
    second.open_spider(spider)
    looked_up: list[Path] = []
    original = Path.exists

    def exists(path: Path) -> bool:
        looked_up.append(path)
        return original(path)

    monkeypatch.setattr(Path, "exists", exists)
    assert second.retrieve_response(spider, other) is None
    assert looked_up == []  # never kept: not looked for on disk
    response = second.retrieve_response(spider, kept)
    assert response is not None
    assert response.body == b"{}"
    assert looked_up  # kept: read from disk
