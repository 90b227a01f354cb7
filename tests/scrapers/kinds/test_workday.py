"""The Workday spider and parser on recorded ``/wday/cxs`` answers (tests/fixtures/workday/).

``workday_search_1.json`` is a search page of GDIT's site (gdit.wd5, External_Career_Site: 4 of
644 postings, trimmed) and ``workday_detail_1.json`` the detail of its first posting;
``workday_search_2.json`` is a search page of Salesforce's site (salesforce.wd12).
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from scrapers.items import JobPostingItem
from scrapers.kinds import parse_envelope
from scrapers.kinds.workday.recognise import parse_careers_url
from scrapers.kinds.workday.spider import WorkdaySpider
from scrapers.normalize import description_text
from scrapers.parsing import PostingFields
from scrapers.spiders.base import dump_payload
from warehouse.replay import ReplayServer, Route

GDIT = "https://gdit.wd5.myworkdayjobs.com/wday/cxs/gdit/External_Career_Site"
SEARCH_GDIT = "workday/workday_search_1.json"
SEARCH_SALESFORCE = "workday/workday_search_2.json"
DETAIL_GDIT = "workday/workday_detail_1.json"
GDIT_OPTIONS = {"tenant": "gdit", "site": "External_Career_Site", "host": "wd5"}


def search_body(offset: int) -> dict[str, Any]:
    return {"appliedFacets": {}, "limit": 20, "offset": offset, "searchText": ""}


class PostingReplayServer(ReplayServer):
    """The replay server, answering POST as well.

    The replay server matches a request by path and query only, so a POST is matched (and
    recorded in ``requests``) as its path with its JSON body's ``offset`` added as a query:
    ``/wday/cxs/gdit/External_Career_Site/jobs?offset=4``. ``bodies`` keeps every posted body.
    """

    def __init__(self, routes: list[Route]) -> None:
        super().__init__(routes)
        self.bodies: list[dict[str, Any]] = []
        server = self

        def do_post(handler: Any) -> None:
            length = int(handler.headers.get("Content-Length") or 0)
            body = json.loads(handler.rfile.read(length) or b"{}")
            server.bodies.append(body)
            handler.path = f"{handler.path}?offset={body.get('offset')}"
            server.handle(handler)

        self.httpd.RequestHandlerClass.do_POST = do_post  # type: ignore[attr-defined]


def test_first_request_posts_the_first_search_page(make_spider):
    spider = make_spider(WorkdaySpider, **GDIT_OPTIONS)

    [request] = spider.initial_requests()

    assert (request.method, request.url) == ("POST", f"{GDIT}/jobs")
    assert json.loads(request.body) == search_body(0)
    assert request.headers["Content-Type"] == b"application/json"
    assert request.callback == spider.parse_search
    assert request.errback == spider.on_request_failed
    assert request.cb_kwargs == {"offset": 0, "page": 1, "total": 0}
    assert spider.source_key == "workday:gdit/External_Career_Site"


@pytest.mark.parametrize(
    "url",
    [
        "https://gdit.wd5.myworkdayjobs.com/External_Career_Site",
        "https://gdit.wd5.myworkdayjobs.com/en-US/External_Career_Site",
        "https://gdit.wd5.myworkdayjobs.com/External_Career_Site/job/USA-DC-Washington/"
        "Data-Engineer_RQ216675",
        "https://gdit.wd5.myworkdayjobs.com/wday/cxs/gdit/External_Career_Site/jobs",
    ],
)
def test_an_entry_may_name_its_site_by_url(make_spider, url):
    spider = make_spider(WorkdaySpider, url=url)

    [request] = spider.initial_requests()

    assert request.url == f"{GDIT}/jobs"
    assert spider.source_key == "workday:gdit/External_Career_Site"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"tenant": "gdit", "host": "wd5"}, "missing required option 'site'"),
        ({"tenant": "gdit", "site": "External"}, "missing required option 'host'"),
        ({"tenant": "gdit", "site": "External", "host": "www"}, "is not a Workday host"),
        ({"tenant": "gd.it", "site": "External", "host": "wd5"}, "is not a Workday tenant"),
        ({"url": "https://gdit.wd5.myworkdayjobs.com/"}, "no career site named"),
        ({"url": "https://careers.gdit.com/jobs"}, "not a Workday careers URL"),
    ],
)
def test_options_that_name_no_site_are_refused(options, message):
    with pytest.raises((KeyError, ValueError), match=message):
        WorkdaySpider.validate_options(options)


def test_parse_careers_url_reads_the_salesforce_posting_link():
    url = (
        "https://salesforce.wd12.myworkdayjobs.com/External_Career_Site/job/"
        "Mexico---Mexico-City/Services-Business-Strategy-Senior-Manager_JR351759"
    )

    assert parse_careers_url(url) == {
        "tenant": "salesforce",
        "host": "wd12",
        "site": "External_Career_Site",
    }


def test_search_page_asks_for_each_detail_then_the_next_page(
    make_spider, json_response, fixture_json, stats_of
):
    """GDIT announces 644 postings; the trimmed page holds 4, so the next page starts at 4."""
    listed = fixture_json(SEARCH_GDIT)["jobPostings"]
    spider = make_spider(WorkdaySpider, **GDIT_OPTIONS)

    *details, next_page = spider.parse_search(
        json_response(SEARCH_GDIT, url=f"{GDIT}/jobs"), offset=0, page=1, total=0
    )

    assert [request.url for request in details] == [
        f"{GDIT}{posting['externalPath']}" for posting in listed
    ]
    assert details[0].url == f"{GDIT}/job/USA-DC-Washington/Data-Engineer_RQ216675"
    assert {request.method for request in details} == {"GET"}
    assert {request.headers["Accept"] for request in details} == {b"application/json"}
    assert details[0].callback == spider.parse_detail
    assert details[0].errback == spider.on_request_failed
    assert details[0].cb_kwargs == {"external_path": listed[0]["externalPath"]}
    assert (next_page.method, json.loads(next_page.body)) == ("POST", search_body(4))
    assert next_page.cb_kwargs == {"offset": 4, "page": 2, "total": 644}
    assert stats_of(spider) == {}


def test_search_page_that_completes_the_total_stops(make_spider, json_response):
    """Salesforce's page lists both of its 2 announced postings: no further search page."""
    spider = make_spider(
        WorkdaySpider, tenant="salesforce", site="External_Career_Site", host="wd12"
    )

    outputs = list(
        spider.parse_search(
            json_response(
                SEARCH_SALESFORCE,
                url="https://salesforce.wd12.myworkdayjobs.com/wday/cxs/salesforce/External_Career_Site/jobs",
            )
        )
    )

    assert [(request.method, request.url) for request in outputs] == [
        (
            "GET",
            "https://salesforce.wd12.myworkdayjobs.com/wday/cxs/salesforce/"
            "External_Career_Site/job/Virginia---Washington-DC-Metro---Remote/"
            "Solution-Architect---Senior-Solution-Architect---PubSec---SLED-NGO_JR354232",
        ),
        (
            "GET",
            "https://salesforce.wd12.myworkdayjobs.com/wday/cxs/salesforce/"
            "External_Career_Site/job/Illinois---Chicago/"
            "Customer-Success-Manager---Global-Public-Sector--State---Local-Gov-_JR332446",
        ),
    ]


def test_a_later_page_without_the_total_keeps_the_first_pages_total(
    make_spider, json_response, fixture_json
):
    """Synthetic: a full page at offset 20 that announces ``total: 0``."""
    document = fixture_json(SEARCH_GDIT)
    document["total"] = 0
    document["jobPostings"] = [copy.deepcopy(document["jobPostings"][0]) for _ in range(20)]
    spider = make_spider(WorkdaySpider, **GDIT_OPTIONS)
    response = json_response(SEARCH_GDIT, url=f"{GDIT}/jobs", body=json.dumps(document).encode())

    *_, next_page = spider.parse_search(response, offset=20, page=2, total=644)

    assert json.loads(next_page.body) == search_body(40)
    assert next_page.cb_kwargs == {"offset": 40, "page": 3, "total": 644}


def test_max_pages_stops_the_search_and_counts_an_error(make_spider, json_response, stats_of):
    spider = make_spider(WorkdaySpider, max_pages=1, **GDIT_OPTIONS)

    outputs = list(spider.parse_search(json_response(SEARCH_GDIT, url=f"{GDIT}/jobs")))

    assert [request.method for request in outputs] == ["GET"] * 4
    assert stats_of(spider) == {"postings/record_error/max_pages_reached": 1, "postings/errors": 1}


def test_parse_detail_yields_the_envelope_of_the_answer(
    make_spider, json_response, fixture_json, stats_of
):
    document = fixture_json(DETAIL_GDIT)
    spider = make_spider(WorkdaySpider, **GDIT_OPTIONS)
    path = "/job/USA-DC-Washington/Data-Engineer_RQ216675"

    [item] = spider.parse_detail(
        json_response(DETAIL_GDIT, url=f"{GDIT}{path}"), external_path=path
    )

    assert item == JobPostingItem(
        source_kind="workday",
        source_key="workday:gdit/External_Career_Site",
        source_posting_id="0ce19f3061551000bf0457bfc3270000",
        url=f"{GDIT}{path}",
        payload=dump_payload(document),
        payload_format="json",
        source_context={},
    )
    assert json.loads(item.payload)["jobPostingInfo"]["jobReqId"] == "RQ216675"
    assert stats_of(spider) == {}


def detail_fields(document: dict, **context: str) -> PostingFields:
    return parse_envelope(
        {
            "source_kind": "workday",
            "source_key": "workday:gdit/External_Career_Site",
            "source_posting_id": document["jobPostingInfo"]["id"],
            "url": f"{GDIT}/job/x",
            "payload": dump_payload(document),
            "source_context": context,
        }
    )


def test_parser_maps_the_posting(fixture_json):
    document = fixture_json(DETAIL_GDIT)

    fields = detail_fields(document)

    assert fields == PostingFields(
        title="Data Engineer",
        company_name="GD Information Technology, Inc.",
        location="USA DC Washington",
        country="US",
        region="DC",
        city="Washington",
        remote=None,
        department=None,
        employment_type="Full time",
        posted_at="2026-07-07",
        url="https://gdit.wd5.myworkdayjobs.com/External_Career_Site/job/USA-DC-Washington/"
        "Data-Engineer_RQ216675",
        description_format="html",
        description_text=description_text(document["jobPostingInfo"]["jobDescription"], "html"),
    )
    assert fields.description_text.startswith("Type of Requisition:\nRegular")


def test_parser_lists_additional_locations(fixture_json):
    """Synthetic: the GDIT detail with ``additionalLocations`` and ``remoteType``, which
    tenants that publish them add to ``jobPostingInfo``."""
    document = fixture_json(DETAIL_GDIT)
    document["jobPostingInfo"].update(additionalLocations=["USA VA Chantilly"], remoteType="Hybrid")

    fields = detail_fields(document, company="GDIT")

    assert (fields.location, fields.remote, fields.company_name) == (
        "USA DC Washington; USA VA Chantilly",
        "Hybrid",
        "GDIT",
    )
    assert (fields.country, fields.region, fields.city) == (None, None, None)


def test_parser_keeps_the_relative_posted_on_text_without_a_start_date(fixture_json):
    """Synthetic: the GDIT detail without ``startDate`` and with an ``endDate``; the text
    "Posted 8 Days Ago" is kept as published (only the fetch time can make it a date)."""
    document = fixture_json(DETAIL_GDIT)
    del document["jobPostingInfo"]["startDate"]
    document["jobPostingInfo"]["endDate"] = "2026-08-31"

    fields = detail_fields(document)

    assert (fields.posted_at, fields.expires_at) == ("Posted 8 Days Ago", "2026-08-31")


def test_parser_falls_back_to_the_tenant_without_an_organisation(fixture_json):
    document = fixture_json(DETAIL_GDIT)
    del document["hiringOrganization"]

    assert detail_fields(document).company_name == "gdit"


def test_broken_detail_is_counted_with_its_path(make_spider, json_response, stats_of):
    spider = make_spider(WorkdaySpider, **GDIT_OPTIONS)
    path = "/job/USA-VA-Chantilly/Data-Engineer---TS-SCI-with-Polygraph_RQ223218"
    response = json_response(
        DETAIL_GDIT, url=f"{GDIT}{path}", body=b'{"errorCode": "S22", "message": "job not found"}'
    )

    assert list(spider.parse_detail(response, external_path=path)) == []
    assert stats_of(spider) == {"postings/record_error/unparseable_record": 1, "postings/errors": 1}
    assert spider.error_messages == [
        f"workday:gdit/External_Career_Site: record {path}: unparseable_record: "
        "KeyError: 'jobPostingInfo'"
    ]


def test_search_result_without_a_path_is_counted_and_skipped(
    make_spider, json_response, fixture_json, stats_of
):
    """Synthetic: the GDIT search page whose second posting has lost its ``externalPath``."""
    document = fixture_json(SEARCH_GDIT)
    del document["jobPostings"][1]["externalPath"]
    spider = make_spider(WorkdaySpider, **GDIT_OPTIONS)
    response = json_response(SEARCH_GDIT, url=f"{GDIT}/jobs", body=json.dumps(document).encode())

    outputs = list(spider.parse_search(response))

    assert [request.method for request in outputs] == ["GET", "GET", "GET", "POST"]
    assert stats_of(spider) == {"postings/record_error/unparseable_record": 1, "postings/errors": 1}
    assert spider.error_messages == [
        "workday:gdit/External_Career_Site: record #1: unparseable_record: "
        "search result without an externalPath"
    ]


def test_crawl_over_http_searches_pages_and_reads_details(run_crawl, route_to):
    """Search page 1 is the recorded GDIT page (4 of 644), page 2 a synthetic empty page, as
    the trimmed recording has nothing beyond. Only the first posting's detail was recorded:
    the other three answer 404, which the errback counts, so the run is ``partial``."""
    base = "/wday/cxs/gdit/External_Career_Site"
    empty = b'{"total": 0, "jobPostings": [], "facets": [], "userAuthenticated": false}'
    server = PostingReplayServer(
        [
            route_to(f"{base}/jobs", SEARCH_GDIT, query={"offset": "0"}),
            Route(
                path=f"{base}/jobs",
                query={"offset": "4"},
                body=empty,
                content_type="application/json",
            ),
            route_to(f"{base}/job/USA-DC-Washington/Data-Engineer_RQ216675", DETAIL_GDIT),
        ]
    )

    result = run_crawl(
        "sources:\n  - {kind: workday, tenant: gdit, site: External_Career_Site, "
        'api_base: "{replay}", delay: 0}\n',
        server=server,
    )

    manifest = result.manifest("workday:gdit/External_Career_Site")
    assert (manifest["status"], manifest["postings"], manifest["errors"]) == ("partial", 1, 3)
    assert manifest["counters"]["postings/request_failed/http_404"] == 3
    assert server.bodies == [search_body(0), search_body(4)]
    assert result.requests[:2] == ["/robots.txt", f"{base}/jobs?offset=0"]
    assert sorted(result.requests[2:]) == sorted(
        [
            f"{base}/jobs?offset=4",
            f"{base}/job/USA-DC-Washington/Data-Engineer_RQ216675",
            f"{base}/job/DEU-Wiesbaden---Wiesbaden-Army-Airfield-APC180/Cloud-Data-Engineer_RQ221571-1",
            f"{base}/job/USA-NC-Fort-Bragg/Data-Engineer-Senior-Principal--Hybrid-_RQ222489-1",
            f"{base}/job/USA-VA-Chantilly/Data-Engineer---TS-SCI-with-Polygraph_RQ223218",
        ]
    )
    [record] = result.records
    assert record["source_posting_id"] == "0ce19f3061551000bf0457bfc3270000"
    assert "title" not in record  # nothing parsed at crawl
    fields = parse_envelope(record)
    assert (fields.title, fields.posted_at) == ("Data Engineer", "2026-07-07")
    assert fields.description_text.startswith("Type of Requisition:\nRegular")
