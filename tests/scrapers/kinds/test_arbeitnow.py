"""The Arbeitnow kind (spider and parser) on a recorded Job Board API answer.

The answer is under tests/fixtures/arbeitnow/ (or the demo recording's arbeitnow/).
"""

from __future__ import annotations

import json

import pytest
from scrapy import Request
from scrapy.exceptions import CloseSpider

from scrapers.items import JobPostingItem
from scrapers.kinds import parse_envelope
from scrapers.kinds.arbeitnow.parser import description_format
from scrapers.kinds.arbeitnow.spider import ArbeitnowSpider, next_page_number
from scrapers.parsing import PostingFields
from scrapers.spiders.base import dump_payload
from warehouse.replay import Route

API = "https://www.arbeitnow.com"
FIRST_PAGE_IDS = [
    "ml-product-engineer-heidelberg-60723",
    "machine-meta-learner-heidelberg-235959",
    "technical-co-founder-cto-aureas-munich-353142",
    "senior-product-owner-hamburg-berlin-302643",
    "director-of-data-berlin-456700",
]
#: Synthetic: the answer the API gives past its last page.
EMPTY_LAST_PAGE = json.dumps({"data": [], "links": {"next": None}}).encode()


def parse(make_spider, json_response, body: bytes | None = None, page: int = 1, **options) -> tuple:
    spider = make_spider(ArbeitnowSpider, **options)
    response = json_response(
        "arbeitnow/arbeitnow_1.json", url=f"{API}/api/job-board-api?page={page}", body=body
    )
    return spider, list(spider.parse(response, page=page))


def test_first_request_asks_for_page_one(make_spider):
    spider = make_spider(ArbeitnowSpider)

    [request] = spider.initial_requests()

    assert spider.source_key == "arbeitnow:all"
    assert request.url == f"{API}/api/job-board-api?page=1"
    assert request.cb_kwargs == {"page": 1}
    assert request.errback == spider.on_request_failed


def test_parse_yields_every_job_then_asks_for_the_next_page(make_spider, json_response, stats_of):
    """The recorded answer is trimmed to ``data``: with no pagination data, go on."""
    spider, output = parse(make_spider, json_response)

    *items, next_request = output
    assert [item.source_posting_id for item in items] == FIRST_PAGE_IDS
    assert isinstance(next_request, Request)
    assert next_request.url == f"{API}/api/job-board-api?page=2"
    assert next_request.cb_kwargs == {"page": 2}
    assert stats_of(spider) == {}


def test_parse_yields_envelopes_with_the_job_as_sent(make_spider, json_response, fixture_json):
    job = fixture_json("arbeitnow/arbeitnow_1.json")["data"][0]

    _, [item, *_] = parse(make_spider, json_response)

    assert item == JobPostingItem(
        source_kind="arbeitnow",
        source_key="arbeitnow:all",
        source_posting_id="ml-product-engineer-heidelberg-60723",
        url=f"{API}/api/job-board-api?page=1",
        payload=dump_payload(job),
        payload_format="json",
        source_context={},
    )
    assert json.loads(item.payload) == job


def job_fields(fixture_json, position: int) -> PostingFields:
    job = fixture_json("arbeitnow/arbeitnow_1.json")["data"][position]
    return parse_envelope(
        {
            "source_kind": "arbeitnow",
            "source_key": "arbeitnow:all",
            "source_posting_id": job["slug"],
            "url": f"{API}/api/job-board-api?page=1",
            "payload": dump_payload(job),
            "source_context": {},
        }
    )


def test_parser_maps_an_html_job(fixture_json):
    job = fixture_json("arbeitnow/arbeitnow_1.json")["data"][0]

    fields = job_fields(fixture_json, 0)

    assert fields == PostingFields(
        title="ML Product Engineer",
        company_name="kausable GmbH",
        location="Heidelberg",
        remote="false",
        employment_type="professional / experienced",
        posted_at="1785792634",
        url="https://www.arbeitnow.com/jobs/companies/kausable-gmbh/"
        "ml-product-engineer-heidelberg-60723",
        description_format="html",
        description_text=fields.description_text,
    )
    assert fields.description_text
    assert "<" not in fields.description_text
    assert job["tags"] == ["Data Scientist"]


def test_parser_maps_an_escaped_job_with_the_boards_own_footer(fixture_json):
    """The description is escaped HTML with Arbeitnow's footer appended as plain HTML."""
    job = fixture_json("arbeitnow/arbeitnow_1.json")["data"][3]

    fields = job_fields(fixture_json, 3)

    assert (
        fields.title,
        fields.company_name,
        fields.location,
        fields.remote,
        fields.employment_type,
        fields.posted_at,
        fields.url,
        fields.description_format,
    ) == (
        "Senior Product Owner m/w/d",
        "dept",
        "Hamburg, Berlin",
        "false",
        None,
        "1785791812",
        "https://www.arbeitnow.com/jobs/companies/dept/senior-product-owner-hamburg-berlin-302643",
        "html_escaped",
    )
    assert job["description"].startswith("&lt;p&gt;&lt;strong&gt;Senior Product Owner (d/f/m)")
    # The footer as sent: a stray ``</a>`` and no ``</p>``.
    assert job["description"].endswith(
        '<p>Find more <a href="https://www.arbeitnow.com/english-speaking-jobs">English Speaking'
        " Jobs in Germany</a> on Arbeitnow</a>"
    )
    assert fields.description_text.startswith(
        "Senior Product Owner (d/f/m)\nHamburg, Berlin, Hybrid\nDEPT® is a Growth Invention"
    )
    assert fields.description_text.endswith(
        "Find more English Speaking Jobs in Germany on Arbeitnow"
    )


def test_parser_keeps_a_remote_job_and_joins_its_job_types():
    """Synthetic: a remote job with two job types."""
    fields = parse_envelope(
        {
            "source_kind": "arbeitnow",
            "source_key": "arbeitnow:all",
            "source_posting_id": "a-1",
            "payload": json.dumps(
                {
                    "slug": "a-1",
                    "title": "ML Engineer",
                    "remote": True,
                    "job_types": ["full time", "berufserfahren"],
                }
            ),
        }
    )

    assert (fields.title, fields.remote, fields.employment_type) == (
        "ML Engineer",
        "true",
        "full time, berufserfahren",
    )


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("<p>a</p>", "html"),
        ("&lt;p&gt;a&lt;/p&gt;", "html_escaped"),
        ("&lt;p&gt;a&lt;/p&gt;&lt;p&gt;b&lt;/p&gt;<p>footer</p>", "html_escaped"),
        ("<p>R&amp;D: use &lt;b&gt;</p>", "html"),
        ("plain", "html"),
        (None, "html"),
    ],
)
def test_description_format_follows_the_majority_of_the_markup(description, expected):
    assert description_format(description) == expected


@pytest.mark.parametrize(
    ("answer", "page", "expected"),
    [
        ({"links": {"next": f"{API}/api/job-board-api?page=3"}}, 2, 3),
        ({"links": {"next": f"{API}/api/job-board-api"}}, 1, 2),
        ({"links": {"next": None}}, 1, None),
        ({"meta": {"current_page": 1, "last_page": 4}}, 1, 2),
        ({"meta": {"current_page": 4, "last_page": 4}}, 4, None),
        ({}, 1, 2),
    ],
)
def test_next_page_follows_links_then_meta(answer, page, expected):
    assert next_page_number(answer, page) == expected


def test_an_empty_page_ends_the_crawl(make_spider, json_response, stats_of):
    spider, output = parse(make_spider, json_response, body=b'{"data": []}', page=7)

    assert output == []
    assert stats_of(spider) == {}


def test_max_pages_stops_the_run_after_yielding_the_page(make_spider, json_response):
    spider = make_spider(ArbeitnowSpider, max_pages=1)
    response = json_response("arbeitnow/arbeitnow_1.json", url=f"{API}/api/job-board-api?page=1")
    output = spider.parse(response, page=1)

    items = [next(output) for _ in FIRST_PAGE_IDS]
    with pytest.raises(CloseSpider) as stopped:
        next(output)

    assert [item.source_posting_id for item in items] == FIRST_PAGE_IDS
    assert stopped.value.reason == "max_pages"


def test_broken_job_is_counted_and_skipped(make_spider, json_response, fixture_json, stats_of):
    """Synthetic: a copy of arbeitnow_1.json whose second job has lost its ``slug``."""
    document = fixture_json("arbeitnow/arbeitnow_1.json")
    del document["data"][1]["slug"]

    spider, output = parse(make_spider, json_response, body=json.dumps(document).encode())

    assert [item.source_posting_id for item in output[:-1]] == (
        FIRST_PAGE_IDS[:1] + FIRST_PAGE_IDS[2:]
    )
    assert stats_of(spider) == {"postings/record_error/unparseable_record": 1, "postings/errors": 1}
    assert spider.error_messages == [
        "arbeitnow:all: record #1: unparseable_record: KeyError: 'slug'"
    ]


def test_crawl_over_http_follows_the_pages_to_the_last(run_crawl, route_to):
    result = run_crawl(
        'sources:\n  - {kind: arbeitnow, api_base: "{replay}", delay: 0}\n',
        [
            route_to("/api/job-board-api", "arbeitnow/arbeitnow_1.json", query={"page": "1"}),
            Route(
                path="/api/job-board-api",
                query={"page": "2"},
                body=EMPTY_LAST_PAGE,
                content_type="application/json",
            ),
        ],
    )

    manifest = result.manifest("arbeitnow:all")
    assert (manifest["status"], manifest["postings"], manifest["errors"]) == ("succeeded", 5, 0)
    assert result.requests == [
        "/robots.txt",
        "/api/job-board-api?page=1",
        "/api/job-board-api?page=2",
    ]
    records = result.records_of("arbeitnow:all")
    assert [r["source_posting_id"] for r in records] == FIRST_PAGE_IDS
    fields = parse_envelope(records[3])
    assert fields.description_text.startswith(
        "Senior Product Owner (d/f/m)\nHamburg, Berlin, Hybrid\nDEPT® is a Growth Invention"
    )
    assert fields.description_text.endswith(
        "Find more English Speaking Jobs in Germany on Arbeitnow"
    )


def test_crawl_stopped_by_max_pages_is_partial(run_crawl, route_to):
    """A run that leaves pages unread must not close the postings it did not reach."""
    result = run_crawl(
        'sources:\n  - {kind: arbeitnow, api_base: "{replay}", delay: 0, max_pages: 1}\n',
        [route_to("/api/job-board-api", "arbeitnow/arbeitnow_1.json", query={"page": "1"})],
    )

    manifest = result.manifest("arbeitnow:all")
    assert (
        manifest["status"],
        manifest["finish_reason"],
        manifest["postings"],
        manifest["errors"],
    ) == ("partial", "max_pages", 5, 0)
    assert result.requests == ["/robots.txt", "/api/job-board-api?page=1"]
