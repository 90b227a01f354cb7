"""No silent truncation: a feed or sitemap that does not parse completely makes its run partial.

The feeds are real recordings (tests/fixtures/personio, see PROVENANCE.tsv) with one SYNTHETIC
break: an unterminated CDATA section in the second position (lxml's recovering parser then
stops there, and the positions after it were never seen), or the body cut in half.
"""

from __future__ import annotations

import pytest

from tests.conftest import fixture_path
from tests.reliability.conftest import outcome
from warehouse.replay import Route

CLARK = fixture_path("personio/personio_1.xml").read_text(encoding="utf-8")


def unterminated_cdata() -> bytes:
    start = CLARK.index("<name>", CLARK.index("</position>")) + len("<name>")
    return (CLARK[:start] + "<![CDATA[" + CLARK[start:]).encode()


def cut_in_half() -> bytes:
    return CLARK.encode()[: len(CLARK.encode()) // 2]


@pytest.mark.parametrize(
    ("case", "body"),
    [("unterminated CDATA", unterminated_cdata()), ("body cut in half", cut_in_half())],
)
def test_a_personio_feed_that_does_not_parse_completely_is_partial(run_crawl, case, body):
    result = run_crawl(
        'sources:\n  - {kind: personio, subdomain: clark, api_base: "{replay}", delay: 0}\n',
        [Route(path="/xml", body=body, content_type="application/xml")],
    )

    manifest = result.manifest("personio:clark")
    ok = (
        manifest["status"] == "partial"
        and manifest["counters"].get("postings/record_error/incomplete_document") == 1
    )
    outcome(
        "truncation",
        f"personio XML: {case}",
        "personio:clark",
        "partial, error named",
        f"{manifest['status']} with {manifest['postings']} postings",
        ok,
    )
    assert manifest["status"] == "partial"
    assert 0 < manifest["postings"] < 4
    assert manifest["counters"]["postings/record_error/incomplete_document"] == 1
    assert "the XML does not parse completely" in manifest["error_summary"]
    assert "personio:clark: record http://127.0.0.1" in manifest["error_summary"]


def test_a_sitemap_that_does_not_parse_completely_makes_the_run_partial(run_crawl, route_to):
    sitemap = (
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>{base}/jobs/1</loc></url><url><loc><![CDATA[{base}/jobs/2</loc></url>"
        b"<url><loc>{base}/jobs/3</loc></url></urlset>"
    )
    routes = [
        Route(path="/sitemap.xml", body=sitemap, template=True, content_type="application/xml"),
        route_to("/jobs/1", "jsonld/jsonld_linkedin_1.html", content_type="text/html"),
    ]

    result = run_crawl(
        'sources:\n  - {kind: jsonld, name: cut, sitemap: "{replay}/sitemap.xml", delay: 0}\n',
        routes,
    )

    manifest = result.manifest("jsonld:cut")
    ok = (
        manifest["status"] == "partial"
        and manifest["counters"].get("postings/record_error/incomplete_document") == 1
    )
    outcome(
        "truncation",
        "sitemap with a broken <loc>",
        "jsonld:cut",
        "partial, error named",
        manifest["status"],
        ok,
    )
    assert manifest["status"] == "partial"
    assert manifest["counters"]["postings/record_error/incomplete_document"] == 1
