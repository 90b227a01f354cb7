"""Hostile sites: redirects that would carry keys away, links to other hosts and other schemes.

Two servers on 127.0.0.1 (different ports, so different hosts): the source's own, and a
"foreign" one that records every request it receives, with its headers. The pages are real
recorded responses (tests/fixtures, see PROVENANCE.tsv); the redirects, refreshes, sitemaps and
``next_url`` values that point elsewhere are SYNTHETIC, made here.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler

from scrapers.kinds.greenhouse.spider import GreenhouseSpider
from scrapers.scope import OffScopeRequest, SourceScopeMiddleware
from tests.conftest import fixture_path
from tests.reliability.conftest import outcome
from warehouse.replay import ReplayServer, Route

APP_ID, APP_KEY = "hostile-app-id-4711", "hostile-app-key-0815"
USAJOBS_KEY, USAJOBS_EMAIL = "hostile-usajobs-key-42", "keyholder@example.org"
ADZUNA_PATH = "/v1/api/jobs/gb/search/1"


class RecordingServer(ReplayServer):
    """A replay server that also records the headers of every request it receives."""

    def __init__(self, routes: list[Route]) -> None:
        super().__init__(routes)
        self.received: list[tuple[str, dict[str, str]]] = []
        self._record_lock = threading.Lock()

    def handle(self, handler: BaseHTTPRequestHandler, body: bytes | None = None) -> None:
        with self._record_lock:
            self.received.append((handler.path, {k.lower(): v for k, v in handler.headers.items()}))
        super().handle(handler, body)

    def seen(self) -> str:
        """Everything received, as text (paths and headers), to search for secrets."""
        return json.dumps(self.received)


@pytest.fixture
def keys(monkeypatch):
    monkeypatch.setenv("POSTINGS_ADZUNA_APP_ID", APP_ID)
    monkeypatch.setenv("POSTINGS_ADZUNA_APP_KEY", APP_KEY)
    monkeypatch.setenv("POSTINGS_USAJOBS_API_KEY", USAJOBS_KEY)
    monkeypatch.setenv("POSTINGS_USAJOBS_EMAIL", USAJOBS_EMAIL)


@pytest.fixture
def foreign():
    """The other host, serving a real Adzuna and USAJOBS page to whoever reaches it."""
    server = RecordingServer(
        [
            Route(path=ADZUNA_PATH, file=fixture_path("adzuna/adzuna_1.json")),
            Route(path="/api/search", file=fixture_path("usajobs/usajobs_1.json")),
            Route(
                path="/jobs/1",
                body=b"<html><body>not the source's page</body></html>",
                content_type="text/html",
            ),
            Route(path="/sitemap.xml", body=b"<urlset/>", content_type="application/xml"),
        ]
    )
    with server:
        yield server


def redirect(path: str, to: str, **kwargs) -> Route:
    return Route(path=path, status=302, headers={"Location": to}, body=b"", **kwargs)


def test_an_api_key_does_not_follow_a_redirect_to_another_host(run_crawl, keys, foreign):
    result = run_crawl(
        'sources:\n  - {kind: adzuna, api_base: "{replay}", delay: 0, max_pages: 1}\n',
        [redirect(ADZUNA_PATH, f"{foreign.base_url}{ADZUNA_PATH}?stolen=1")],
    )

    manifest = result.manifests[0]
    ok = (
        foreign.received == []
        and manifest["status"] == "failed"
        and manifest["counters"].get("postings/skipped/off_scope_host") == 1
    )
    outcome(
        "site",
        "302 from the Adzuna host to another host",
        "adzuna",
        "nothing sent there",
        f"{len(foreign.received)} requests there, run {manifest['status']}",
        ok,
    )
    assert foreign.received == []
    assert manifest["status"] == "failed"
    assert manifest["counters"]["postings/skipped/off_scope_host"] == 1
    assert manifest["counters"]["postings/request_failed/off_scope_host"] == 1
    assert "is not one of the source's hosts" in manifest["error_summary"]
    assert APP_KEY not in json.dumps(manifest)


def test_a_redirect_to_another_host_of_the_source_loses_the_keys_and_the_referer(
    run_crawl, keys, foreign
):
    """The entry names the second host (``url``), so it is in scope: the request goes, bare."""
    result = run_crawl(
        'sources:\n  - {kind: adzuna, api_base: "{replay}", url: "'
        + foreign.base_url
        + '", delay: 0, max_pages: 1}\n',
        [redirect(ADZUNA_PATH, f"{foreign.base_url}{ADZUNA_PATH}?app_key={APP_KEY}&page=1")],
    )

    received = foreign.seen()
    ok = bool(foreign.received) and APP_KEY not in received and APP_ID not in received
    outcome(
        "site",
        "302 to another host of the source, keys in the URL",
        "adzuna",
        "sent without keys or Referer",
        "keys sent" if not ok else "no keys sent",
        ok,
    )
    paths = [path for path, _ in foreign.received if path.startswith(ADZUNA_PATH)]
    assert paths == [f"{ADZUNA_PATH}?page=1"]
    assert APP_KEY not in received
    assert APP_ID not in received
    assert all("referer" not in headers for _, headers in foreign.received)
    assert result.manifests[0]["counters"]["postings/redacted/credentials_on_redirect"] == 1


def test_a_credential_header_does_not_follow_a_redirect_to_another_host(run_crawl, keys, foreign):
    result = run_crawl(
        'sources:\n  - {kind: usajobs, api_base: "{replay}", url: "'
        + foreign.base_url
        + '", delay: 0, max_pages: 1}\n'
        '  - {kind: usajobs, name: elsewhere, api_base: "{replay}", delay: 0, max_pages: 1,'
        " keyword: away}\n",
        [
            redirect(
                "/api/search",
                f"{foreign.base_url}/api/search?ResultsPerPage=500&Page=1",
                query={"Page": "1", "ResultsPerPage": "500"},
            )
        ],
    )

    received = foreign.seen()
    [(_path, headers)] = [(p, h) for p, h in foreign.received if p.startswith("/api/search")]
    ok = USAJOBS_KEY not in received and USAJOBS_EMAIL not in received
    outcome(
        "site",
        "302 from the USAJOBS host, Authorization-Key header",
        "usajobs",
        "header not sent to the other host",
        "not sent" if ok else "sent",
        ok,
    )
    assert USAJOBS_KEY not in received
    assert USAJOBS_EMAIL not in received
    assert "authorization-key" not in headers
    assert headers["host"] == foreign.base_url.removeprefix("http://")
    elsewhere = result.manifest("usajobs:elsewhere")
    assert elsewhere["counters"]["postings/skipped/off_scope_host"] == 1


def test_next_pages_and_refreshes_to_other_hosts_or_schemes_are_counted_and_skipped(
    run_crawl, foreign, tmp_path
):
    secret = tmp_path / "local-secret.txt"
    secret.write_text("LOCAL FILE CONTENTS", encoding="utf-8")
    feed = json.loads(fixture_path("teamtailor/teamtailor_1.json").read_bytes())

    def page(next_url: str) -> bytes:
        return json.dumps({**feed, "next_url": next_url}).encode()

    refresh = (
        f'<html><head><meta http-equiv="refresh" content="0; url={foreign.base_url}'
        '/jobs/1"></head><body>moved</body></html>'
    ).encode()
    routes = [
        Route(path="/file/jobs.json", body=page(secret.as_uri()), content_type="application/json"),
        Route(
            path="/away/jobs.json",
            body=page(f"{foreign.base_url}/jobs.json"),
            content_type="application/json",
        ),
        Route(path="/refresh", body=refresh, content_type="text/html"),
        Route(
            path="/refresh-sitemap.xml",
            template=True,
            content_type="application/xml",
            body=b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url>'
            b"<loc>{base}/refresh</loc></url></urlset>",
        ),
    ]
    result = run_crawl(
        "sources:\n"
        '  - {kind: teamtailor, subdomain: file, api_base: "{replay}/file", delay: 0}\n'
        '  - {kind: teamtailor, subdomain: away, api_base: "{replay}/away", delay: 0}\n'
        '  - {kind: jsonld, name: refresh, sitemap: "{replay}/refresh-sitemap.xml", delay: 0}\n',
        routes,
    )

    file_run = result.manifest("teamtailor:file")
    away_run = result.manifest("teamtailor:away")
    refresh_run = result.manifest("jsonld:refresh")
    landed = json.dumps(result.records)
    cases = [
        ("teamtailor next_url file:///...", file_run, "disallowed_scheme"),
        ("teamtailor next_url on another host", away_run, "off_scope_host"),
        ("meta refresh to another host", refresh_run, "off_scope_host"),
    ]
    for case, manifest, reason in cases:
        ok = (
            manifest["counters"].get(f"postings/skipped/{reason}") == 1
            and manifest["status"] in ("partial", "failed")
            and foreign.received == []
        )
        outcome(
            "site",
            case,
            manifest["source_key"],
            f"skipped ({reason}), run not succeeded",
            f"{manifest['status']}, counters {sorted(manifest['counters'])}",
            ok,
        )
    assert "LOCAL FILE CONTENTS" not in landed
    assert foreign.received == []
    assert (file_run["status"], file_run["postings"]) == ("partial", 2)
    assert file_run["counters"]["postings/skipped/disallowed_scheme"] == 1
    assert "only http and https are fetched, not file" in file_run["error_summary"]
    assert (away_run["status"], away_run["postings"]) == ("partial", 2)
    assert away_run["counters"]["postings/skipped/off_scope_host"] == 1
    assert refresh_run["counters"]["postings/skipped/off_scope_host"] == 1
    assert refresh_run["status"] == "failed"


def test_sitemap_and_robots_links_to_other_hosts_are_counted_not_followed(run_crawl, foreign):
    page = fixture_path("jsonld/jsonld_linkedin_1.html")
    sitemap = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{{base}}/jobs/own</loc></url>"
        f"<url><loc>{foreign.base_url}/jobs/1</loc></url></urlset>"
    ).encode()
    robots = (
        f"User-agent: *\nAllow: /\nSitemap: {foreign.base_url}/sitemap.xml\n"
        "Sitemap: {base}/sitemap.xml\n"
    ).encode()
    routes = [
        Route(path="/sitemap.xml", body=sitemap, template=True, content_type="application/xml"),
        Route(path="/jobs/own", file=page, content_type="text/html"),
        Route(path="/robots.txt", body=robots, template=True, content_type="text/plain"),
    ]

    result = run_crawl(
        'sources:\n  - {kind: jsonld, name: links, robots: "{replay}/robots.txt", delay: 0}\n',
        routes,
    )

    manifest = result.manifest("jsonld:links")
    ok = (
        foreign.received == []
        and manifest["status"] == "succeeded"
        and manifest["counters"].get("postings/skipped/off_scope_host") == 2
    )
    outcome(
        "site",
        "sitemap <loc> and robots Sitemap: on another host",
        "jsonld:links",
        "counted, not followed, run succeeds",
        f"{manifest['status']}, {len(foreign.received)} requests there",
        ok,
    )
    assert foreign.received == []
    assert manifest["status"] == "succeeded"
    assert manifest["counters"]["postings/skipped/off_scope_host"] == 2
    assert manifest["postings"] >= 1


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:9/x", "private_address"),
        ("http://169.254.169.254/latest/meta-data/", "private_address"),
        ("http://[::1]/x", "private_address"),
        ("http://localhost/x", "private_address"),
        ("http://10.0.0.8/x", "private_address"),
        ("https://evil.example/v1/boards/acme/jobs", "off_scope_host"),
        ("https://boards-api.greenhouse.io.evil.example/x", "off_scope_host"),
        ("file:///etc/passwd", "disallowed_scheme"),
        ("ftp://boards-api.greenhouse.io/x", "disallowed_scheme"),
    ],
)
def test_a_public_source_never_reaches_private_addresses_or_other_hosts(url, reason):
    crawler = get_crawler(GreenhouseSpider)
    spider = GreenhouseSpider.from_crawler(crawler, options={"kind": "greenhouse", "board": "acme"})
    crawler.spider = spider
    middleware = SourceScopeMiddleware.from_crawler(crawler)

    assert (
        middleware.process_request(Request("https://boards-api.greenhouse.io/v1/boards/acme/jobs"))
        is None
    )
    assert middleware.process_request(Request("https://api.boards-api.greenhouse.io/x")) is None
    with pytest.raises(OffScopeRequest) as refused:
        middleware.process_request(Request(url))
    assert refused.value.reason == reason
    assert crawler.stats.get_value(f"postings/skipped/{reason}") == 1
