"""The JSON-LD spider and parser on recorded job pages and synthetic sitemaps.

Two recorded pages carry a single JobPosting object (an Indeed page and a LinkedIn page); the
SEEK page has only a ``WebSite`` graph and must yield nothing. Sitemaps, robots.txt files and the
2,000-page site are synthetic (written by these tests), as the shapes they exercise are few and
the recorded pages are what matters.
"""

from __future__ import annotations

import gzip
import json
import re
import time

import pytest
from scrapy import Request

from scrapers.items import JobPostingItem
from scrapers.kinds import parse_envelope
from scrapers.kinds.jsonld.spider import JsonldSpider, page_key
from scrapers.normalize import description_text
from scrapers.parsing import PostingFields
from scrapers.spiders.base import dump_payload
from warehouse.replay import ReplayServer, Route

SITE = "https://careers.example.org"
INDEED_URL = "https://au.indeed.com/viewjob?jk=54f1f8af68d722d2"
LINKEDIN_URL = "https://fr.linkedin.com/jobs/view/analytics-engineer-microsoft-fabric-cdi-lille"
HTML = "text/html; charset=utf-8"


def jsonld_object(page: bytes) -> dict:
    """The one JSON-LD block of a recorded page, read independently of the spider."""
    [block] = re.findall(rb'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return json.loads(block)


def page_with(*blocks: str) -> bytes:
    """Synthetic: a page with the given JSON-LD blocks."""
    scripts = "".join(f'<script type="application/ld+json">{block}</script>' for block in blocks)
    return f"<html><head><title>Jobs</title>{scripts}</head><body></body></html>".encode()


# ---------------------------------------------------------------------------- options
@pytest.mark.parametrize(
    ("options", "key"),
    [
        ({"sitemap": "https://jobs.example.com/sitemap.xml"}, "jsonld:jobs.example.com"),
        ({"robots": "https://Jobs.Example.com/robots.txt"}, "jsonld:jobs.example.com"),
        ({"urls": ["https://a.example.com/1", "https://b.example.com/2"]}, "jsonld:a.example.com"),
        ({"sitemap": "https://jobs.example.com/sitemap.xml", "name": "example"}, "jsonld:example"),
    ],
)
def test_source_key_is_the_name_or_the_start_host(options, key):
    assert JsonldSpider.validate_options({"kind": "jsonld", **options}) == key


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({}, KeyError, "one of 'sitemap', 'robots', 'urls' is required"),
        (
            {"sitemap": "https://a.example/s.xml", "urls": ["https://a.example/1"]},
            ValueError,
            "give only one of 'sitemap', 'urls'",
        ),
        ({"urls": "https://a.example/1"}, ValueError, "urls must be a list"),
        ({"sitemap": "ftp://a.example/s.xml"}, ValueError, "not an http"),
        ({"urls": ["https://a.example/1", "/relative"]}, ValueError, "not an http"),
    ],
)
def test_invalid_options_are_refused(options, error, message):
    with pytest.raises(error, match=message):
        JsonldSpider.validate_options({"kind": "jsonld", **options})


def test_first_requests_follow_the_start_option(make_spider):
    sitemap = make_spider(JsonldSpider, sitemap=f"{SITE}/sitemap.xml")
    robots = make_spider(JsonldSpider, robots=f"{SITE}/robots.txt")
    pages = make_spider(JsonldSpider, urls=[f"{SITE}/jobs/1", f"{SITE}/jobs/2"])

    [from_sitemap] = sitemap.initial_requests()
    [from_robots] = robots.initial_requests()
    from_urls = list(pages.initial_requests())

    assert (from_sitemap.url, from_sitemap.callback) == (
        f"{SITE}/sitemap.xml",
        sitemap.parse_sitemap,
    )
    assert (from_robots.url, from_robots.callback) == (f"{SITE}/robots.txt", robots.parse_robots)
    assert [(r.url, r.callback) for r in from_urls] == [
        (f"{SITE}/jobs/1", pages.parse_page),
        (f"{SITE}/jobs/2", pages.parse_page),
    ]


# ---------------------------------------------------------------------------- recorded pages
def test_an_indeed_page_yields_its_posting(make_spider, html_response, fixture_file, stats_of):
    posting = jsonld_object(fixture_file("jsonld/jsonld_indeed_1.html").read_bytes())
    spider = make_spider(JsonldSpider, urls=[INDEED_URL])

    [item] = spider.parse_page(html_response("jsonld/jsonld_indeed_1.html", url=INDEED_URL))

    assert item == JobPostingItem(
        source_kind="jsonld",
        source_key="jsonld:au.indeed.com",
        source_posting_id="/viewjob?jk=54f1f8af68d722d2",
        url=INDEED_URL,
        payload=dump_payload(posting),
        payload_format="jsonld",
        source_context={},
    )
    fields = parse_envelope(item)
    assert fields == PostingFields(
        title="Senior DevOps Engineer",
        company_name="PaperCut Software",
        location="Camberwell, VIC, AU",
        country="AU",
        region="VIC",
        city="Camberwell",
        remote=None,
        department=None,
        employment_type="FULL_TIME",
        posted_at="2026-08-06T07:39:35.941Z",
        expires_at="2026-12-12T09:37:46.463Z",
        url=INDEED_URL,
        salary_currency="AUD",
        salary_min="130000",
        salary_max="160000",
        salary_interval="YEAR",
        description_format="html",
        description_text=description_text(posting["description"], "html"),
    )
    assert fields.description_text.startswith("Company Description")
    assert stats_of(spider) == {}


def test_a_linkedin_page_with_escaped_html_and_an_identifier_without_value(
    make_spider, html_response, fixture_file
):
    posting = jsonld_object(fixture_file("jsonld/jsonld_linkedin_1.html").read_bytes())
    spider = make_spider(JsonldSpider, urls=[LINKEDIN_URL])

    [item] = spider.parse_page(html_response("jsonld/jsonld_linkedin_1.html", url=LINKEDIN_URL))

    assert posting["identifier"] == {"@type": "PropertyValue", "name": "Logical Conseils"}
    assert item == JobPostingItem(
        source_kind="jsonld",
        source_key="jsonld:fr.linkedin.com",
        source_posting_id="/jobs/view/analytics-engineer-microsoft-fabric-cdi-lille",
        url=LINKEDIN_URL,
        payload=dump_payload(posting),
        payload_format="jsonld",
        source_context={},
    )
    fields = parse_envelope(item)
    assert (
        fields.title,
        fields.company_name,
        fields.location,
        fields.remote,
        fields.employment_type,
        fields.posted_at,
        fields.url,
    ) == (
        "Analytics Engineer - Microsoft Fabric - CDI - LILLE",
        "Logical Conseils",
        "Lille et périphérie, FR",
        None,
        "FULL_TIME",
        "2026-07-15T09:20:36.000Z",
        LINKEDIN_URL,
    )
    assert posting["description"].startswith("&lt;p&gt;Nous recherchons &lt;strong&gt;un(e)")
    assert fields.description_format == "html_escaped"
    assert fields.description_text.startswith("Nous recherchons un(e) Analytics")
    assert fields.industry_labels == ["Technologies et services de l\u2019information"]


def test_a_page_without_a_job_posting_yields_nothing_and_is_counted(
    make_spider, html_response, stats_of
):
    spider = make_spider(JsonldSpider, urls=["https://au.seek.com/job/1"])

    items = list(
        spider.parse_page(
            html_response("jsonld/html_seek_nojobposting_1.html", url="https://au.seek.com/job/1")
        )
    )

    assert items == []
    assert stats_of(spider) == {"postings/pages_without_jobposting": 1}


# ---------------------------------------------------------------------------- JSON-LD shapes
def test_graph_list_and_typed_list_shapes(make_spider, html_response, stats_of):
    """Synthetic: one page with an ``@graph``, a list, and a JobPosting typed as a list."""
    graph = json.dumps(
        {
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "WebSite", "url": SITE},
                {
                    "@type": "JobPosting",
                    "identifier": "req-1",
                    "title": "Data Engineer",
                    "url": "/jobs/req-1",
                    "jobLocationType": "TELECOMMUTE",
                    "employmentType": ["FULL_TIME", "CONTRACTOR"],
                    "hiringOrganization": "Example Org",
                    "jobLocation": [
                        {
                            "@type": "Place",
                            "address": {
                                "addressLocality": "Berlin",
                                "addressCountry": {"@type": "Country", "name": "DE"},
                            },
                        },
                        {
                            "@type": "Place",
                            "address": {
                                "addressLocality": "Paris",
                                "addressRegion": "",
                                "addressCountry": "FR",
                            },
                        },
                    ],
                },
            ],
        }
    )
    listed = json.dumps(
        [
            {
                "@type": "JobPosting",
                "identifier": {"@type": "PropertyValue", "value": 42},
                "title": "ML Engineer",
                "datePosted": "2026-05-01",
            },
            {"@type": "Organization", "name": "Example Org"},
        ]
    )
    typed_list = json.dumps(
        {
            "@type": ["JobPosting", "Thing"],
            "identifier": {"value": "req-3"},
            "title": "Analyst",
            "jobLocation": {"address": "Remote, Earth"},
        }
    )
    spider = make_spider(JsonldSpider, urls=[f"{SITE}/jobs"])

    items = list(
        spider.parse_page(
            html_response(
                "jsonld/jsonld_indeed_1.html",
                url=f"{SITE}/jobs",
                body=page_with(graph, listed, typed_list),
            )
        )
    )

    assert [
        (
            i.source_posting_id,
            f.title,
            f.url,
            f.location,
            f.remote,
            f.employment_type,
            f.company_name,
            f.posted_at,
        )
        for i, f in zip(items, map(parse_envelope, items), strict=True)
    ] == [
        (
            "req-1",
            "Data Engineer",
            f"{SITE}/jobs/req-1",
            "Berlin, DE; Paris, FR",
            "TELECOMMUTE",
            "FULL_TIME, CONTRACTOR",
            "Example Org",
            None,
        ),
        ("42", "ML Engineer", f"{SITE}/jobs", None, None, None, None, "2026-05-01"),
        ("req-3", "Analyst", f"{SITE}/jobs", "Remote, Earth", None, None, None, None),
    ]
    assert json.loads(items[1].payload) == json.loads(listed)[0]
    assert stats_of(spider) == {}


def jsonld_fields(payload: str) -> PostingFields:
    return parse_envelope(
        {
            "source_kind": "jsonld",
            "source_key": "jsonld:careers",
            "source_posting_id": "1",
            "url": f"{SITE}/jobs/1",
            "payload": payload,
        }
    )


def test_parser_reads_schema_org_forms_of_dates_places_and_salaries():
    """Synthetic: the payloads of the old staging test (a Country object, one salary value, a
    list of employment types; a min/max range; a date that is not one, kept as published)."""
    first = jsonld_fields(
        '{"@type":"JobPosting","datePosted":"2024-01-15","validThrough":"2024-03-01T23:59:59+01:00",'
        '"employmentType":["FULL_TIME","CONTRACTOR"],"jobLocation":[{"@type":"Place","address":'
        '{"addressCountry":{"@type":"Country","name":"DE"}}}],"baseSalary":{"currency":"EUR",'
        '"value":{"value":90000,"unitText":"YEAR"}}}'
    )
    second = jsonld_fields(
        '{"@type":"JobPosting","jobLocation":{"address":{"addressCountry":"AU"}},"baseSalary":'
        '{"currency":"AUD","value":{"minValue":130000,"maxValue":160000,"unitText":"YEAR"}}}'
    )
    third = jsonld_fields(
        '{"@type":"JobPosting","datePosted":"last Tuesday",'
        '"baseSalary":{"currency":"USD","value":55}}'
    )

    assert (
        first.posted_at,
        first.expires_at,
        first.employment_type,
        first.country,
        first.salary_currency,
        first.salary_min,
        first.salary_max,
        first.salary_interval,
    ) == (
        "2024-01-15",
        "2024-03-01T23:59:59+01:00",
        "FULL_TIME, CONTRACTOR",
        "DE",
        "EUR",
        "90000",
        "90000",
        "YEAR",
    )
    assert (second.country, second.salary_currency, second.salary_min, second.salary_max) == (
        "AU",
        "AUD",
        "130000",
        "160000",
    )
    assert (third.posted_at, third.salary_min, third.salary_max) == ("last Tuesday", "55", "55")
    assert first.url == f"{SITE}/jobs/1"  # no url of its own: the page's


def test_parser_reads_stated_industries_in_their_forms():
    """Synthetic: ``industry`` as a list, as a DefinedTerm, and on the hiring organisation."""
    assert jsonld_fields(
        '{"@type":"JobPosting","industry":["Software"," Finance "]}'
    ).industry_labels == ["Software", "Finance"]
    assert jsonld_fields(
        '{"@type":"JobPosting","industry":{"@type":"DefinedTerm","name":"Banking"}}'
    ).industry_labels == ["Banking"]
    assert jsonld_fields(
        '{"@type":"JobPosting","hiringOrganization":{"name":"Acme","industry":"Retail"}}'
    ).industry_labels == ["Retail"]


def test_page_ids_leave_out_scheme_and_host():
    """So a replay on another port, or a move to https, keeps every posting's id."""
    assert page_key("http://127.0.0.1:8080/jobs/1?lang=en") == "/jobs/1?lang=en"
    assert page_key("https://careers.example.org") == "/"


def test_postings_without_identifier_on_one_page_get_numbered_ids(make_spider, html_response):
    """Synthetic: two JobPostings with no identifier on one page."""
    spider = make_spider(JsonldSpider, urls=[f"{SITE}/jobs"])
    block = json.dumps(
        [{"@type": "JobPosting", "title": "A"}, {"@type": "JobPosting", "title": "B"}]
    )

    items = list(
        spider.parse_page(
            html_response("jsonld/jsonld_indeed_1.html", url=f"{SITE}/jobs", body=page_with(block))
        )
    )

    assert [i.source_posting_id for i in items] == ["/jobs#0", "/jobs#1"]


def test_an_invalid_block_is_counted_and_the_next_one_read(make_spider, html_response, stats_of):
    """Synthetic: a page whose first JSON-LD block is cut short."""
    spider = make_spider(JsonldSpider, urls=[f"{SITE}/jobs/9"])
    body = page_with(
        '{"@type": "JobPosting", "title": ',
        json.dumps({"@type": "JobPosting", "identifier": "9", "title": "Designer"}),
    )

    [item] = spider.parse_page(
        html_response("jsonld/jsonld_indeed_1.html", url=f"{SITE}/jobs/9", body=body)
    )

    assert (item.source_posting_id, parse_envelope(item).title) == ("9", "Designer")
    assert stats_of(spider) == {"postings/record_error/invalid_jsonld": 1, "postings/errors": 1}
    assert spider.error_messages[0].startswith(
        f"jsonld:careers.example.org: record {SITE}/jobs/9 (block 0): invalid_jsonld: not JSON"
    )


def test_odd_values_are_left_out_not_fatal(make_spider, html_response, stats_of):
    """Synthetic: a JobPosting whose ``url`` is an object and ``jobLocation`` a number."""
    spider = make_spider(JsonldSpider, urls=[f"{SITE}/jobs"])
    block = json.dumps(
        [
            {"@type": "JobPosting", "identifier": "1", "title": "Good"},
            {
                "@type": "JobPosting",
                "identifier": "2",
                "title": "Bad",
                "url": {"not": "a url"},
                "jobLocation": 7,
            },
        ]
    )

    items = list(
        spider.parse_page(
            html_response("jsonld/jsonld_indeed_1.html", url=f"{SITE}/jobs", body=page_with(block))
        )
    )

    # An odd value is left out (the payload keeps it); both postings land.
    assert [
        (i.source_posting_id, parse_envelope(i).url, parse_envelope(i).location) for i in items
    ] == [("1", f"{SITE}/jobs", None), ("2", f"{SITE}/jobs", None)]
    assert stats_of(spider) == {}


# ---------------------------------------------------------------------------- sitemaps
def test_a_sitemap_index_is_followed(make_spider, json_response):
    """Synthetic sitemap index."""
    spider = make_spider(JsonldSpider, sitemap=f"{SITE}/sitemap.xml")
    body = (
        b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>https://careers.example.org/sitemap-jobs-1.xml</loc></sitemap>"
        b"<sitemap><loc> /sitemap-jobs-2.xml </loc></sitemap></sitemapindex>"
    )

    requests = list(
        spider.parse_sitemap(
            json_response("jsonld/jsonld_indeed_1.html", url=f"{SITE}/sitemap.xml", body=body)
        )
    )

    assert [(r.url, r.callback) for r in requests] == [
        (f"{SITE}/sitemap-jobs-1.xml", spider.parse_sitemap),
        (f"{SITE}/sitemap-jobs-2.xml", spider.parse_sitemap),
    ]


def test_a_gzipped_sitemap_lists_pages(make_spider, json_response):
    """Synthetic gzipped sitemap."""
    spider = make_spider(JsonldSpider, sitemap=f"{SITE}/sitemap.xml.gz")
    body = gzip.compress(
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://careers.example.org/jobs/1</loc><lastmod>2026-05-01</lastmod></url>"
        b"<url><loc>https://careers.example.org/jobs/2</loc></url></urlset>"
    )

    requests = list(
        spider.parse_sitemap(
            json_response("jsonld/jsonld_indeed_1.html", url=f"{SITE}/sitemap.xml.gz", body=body)
        )
    )

    assert [(r.url, r.callback) for r in requests] == [
        (f"{SITE}/jobs/1", spider.parse_page),
        (f"{SITE}/jobs/2", spider.parse_page),
    ]


def test_a_page_that_is_not_a_sitemap_is_counted(make_spider, html_response, stats_of):
    spider = make_spider(JsonldSpider, sitemap=f"{SITE}/sitemap.xml")

    requests = list(
        spider.parse_sitemap(
            html_response("jsonld/html_seek_nojobposting_1.html", url=f"{SITE}/sitemap.xml")
        )
    )

    assert requests == []
    assert stats_of(spider) == {"postings/record_error/invalid_sitemap": 1, "postings/errors": 1}


def test_robots_sitemap_lines_are_followed(make_spider, json_response, stats_of):
    """Synthetic robots.txt."""
    spider = make_spider(JsonldSpider, robots=f"{SITE}/robots.txt")
    body = (
        b"User-agent: *\nDisallow: /admin\nSitemap: https://careers.example.org/a.xml\n"
        b"sitemap: /b.xml\n"
    )

    requests = list(
        spider.parse_robots(
            json_response("jsonld/jsonld_indeed_1.html", url=f"{SITE}/robots.txt", body=body)
        )
    )

    assert [(r.url, r.callback) for r in requests] == [
        (f"{SITE}/a.xml", spider.parse_sitemap),
        (f"{SITE}/b.xml", spider.parse_sitemap),
    ]
    assert isinstance(requests[0], Request)
    assert stats_of(spider) == {}


# ---------------------------------------------------------------------------- over HTTP
def recorded_pages(route_to) -> list[Route]:
    return [
        route_to("/jobs/indeed-1", "jsonld/jsonld_indeed_1.html", content_type=HTML),
        route_to("/jobs/linkedin-1", "jsonld/jsonld_linkedin_1.html", content_type=HTML),
        route_to("/jobs/seek-1", "jsonld/html_seek_nojobposting_1.html", content_type=HTML),
    ]


def test_crawl_over_http_from_a_sitemap_index(run_crawl, route_to):
    """Synthetic sitemap index and sitemaps listing the three recorded pages."""
    index = (
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>{base}/sitemap-1.xml</loc></sitemap>"
        b"<sitemap><loc>{base}/sitemap-2.xml</loc></sitemap></sitemapindex>"
    )
    first = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>{base}/jobs/indeed-1</loc></url>"
        b"<url><loc>{base}/jobs/linkedin-1</loc></url></urlset>"
    )
    second = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>{base}/jobs/seek-1</loc></url></urlset>"
    )
    xml = "application/xml"
    routes = [
        Route(path="/sitemap.xml", body=index, template=True, content_type=xml),
        Route(path="/sitemap-1.xml", body=first, template=True, content_type=xml),
        Route(path="/sitemap-2.xml", body=second, template=True, content_type=xml),
        *recorded_pages(route_to),
    ]

    result = run_crawl(
        "sources:\n  - {kind: jsonld, name: careers, "
        'sitemap: "{replay}/sitemap.xml", delay: 0, concurrency: 4}\n',
        routes,
    )

    manifest = result.manifest("jsonld:careers")
    assert (manifest["status"], manifest["postings"], manifest["errors"]) == ("succeeded", 2, 0)
    assert manifest["counters"] == {"postings/pages_without_jobposting": 1}
    assert sorted(path for path in result.requests if path.startswith("/jobs/")) == [
        "/jobs/indeed-1",
        "/jobs/linkedin-1",
        "/jobs/seek-1",
    ]
    assert "title" not in result.records[0]  # nothing parsed at crawl
    by_title = {parse_envelope(r).title: r for r in result.records}
    assert set(by_title) == {
        "Senior DevOps Engineer",
        "Analytics Engineer - Microsoft Fabric - CDI - LILLE",
    }
    linkedin = by_title["Analytics Engineer - Microsoft Fabric - CDI - LILLE"]
    assert linkedin["source_posting_id"] == "/jobs/linkedin-1"
    assert linkedin["url"].endswith("/jobs/linkedin-1")
    assert linkedin["url"].startswith("http://127.0.0.1:")
    assert parse_envelope(linkedin).url == linkedin["url"]
    assert parse_envelope(linkedin).description_text.startswith(
        "Nous recherchons un(e) Analytics Engineer"
    )


def test_crawl_over_http_from_robots_txt(run_crawl, route_to):
    """Synthetic robots.txt and sitemap listing one recorded page."""
    routes = [
        Route(
            path="/robots.txt",
            body=b"User-agent: *\nAllow: /\nSitemap: {base}/jobs.xml\n",
            template=True,
            content_type="text/plain",
        ),
        Route(
            path="/jobs.xml",
            template=True,
            content_type="application/xml",
            body=b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            b"<url><loc>{base}/jobs/indeed-1</loc></url></urlset>",
        ),
        *recorded_pages(route_to),
    ]

    result = run_crawl(
        'sources:\n  - {kind: jsonld, name: careers, robots: "{replay}/robots.txt", delay: 0}\n',
        routes,
    )

    manifest = result.manifest("jsonld:careers")
    assert (manifest["status"], manifest["postings"]) == ("succeeded", 1)
    assert [parse_envelope(r).company_name for r in result.records] == ["PaperCut Software"]


class SyntheticJobSite(ReplayServer):
    """Synthetic: a site of ``pages`` job pages, each with one JobPosting, and their sitemap.

    Pages are made on request (a dict lookup, not 2,000 routes scanned per request), like the
    replay server otherwise.
    """

    def __init__(self, pages: int) -> None:
        super().__init__([])
        self.pages = pages

    def handle(self, handler) -> None:
        path = handler.path.split("?", 1)[0]
        with self._lock:
            self.requests.append(handler.path)
        if path == "/sitemap.xml":
            urls = "".join(
                f"<url><loc>{self.base_url}/jobs/{n}</loc></url>" for n in range(self.pages)
            )
            body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
            self.send(handler, 200, body.encode(), "application/xml")
        elif path.startswith("/jobs/") and path[6:].isdigit() and int(path[6:]) < self.pages:
            number = int(path[6:])
            posting = {
                "@context": "https://schema.org",
                "@type": "JobPosting",
                "identifier": {"@type": "PropertyValue", "value": f"job-{number}"},
                "title": f"Synthetic Engineer {number}",
                "hiringOrganization": {"@type": "Organization", "name": "Synthetic Co"},
                "datePosted": "2026-05-01",
                "description": f"<p>Job {number}</p>",
            }
            self.send(handler, 200, page_with(json.dumps(posting)), HTML)
        elif path == "/robots.txt":
            self.send(handler, 200, b"User-agent: *\nAllow: /\n", "text/plain")
        else:
            self.send(handler, 404, b"not here\n", "text/plain")


def test_two_thousand_synthetic_pages_all_land(run_crawl):
    """Synthetic: 2,000 generated job pages on 127.0.0.1 with ``delay: 0, concurrency: 16``.

    The crawl should take seconds; the time is printed (not asserted: machines differ).
    """
    started = time.perf_counter()
    result = run_crawl(
        "sources:\n  - {kind: jsonld, name: synthetic, sitemap: "
        '"{replay}/sitemap.xml", delay: 0, concurrency: 16}\n',
        server=SyntheticJobSite(2000),
    )
    elapsed = time.perf_counter() - started

    manifest = result.manifest("jsonld:synthetic")
    print(
        f"\n2,000 synthetic pages crawled in {elapsed:.1f}s "
        f"(spider run {manifest['started_at']} .. {manifest['finished_at']})"
    )
    assert (manifest["status"], manifest["postings"], manifest["errors"]) == ("succeeded", 2000, 0)
    assert {r["source_posting_id"] for r in result.records} == {f"job-{n}" for n in range(2000)}
