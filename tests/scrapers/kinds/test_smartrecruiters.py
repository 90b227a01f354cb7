"""The SmartRecruiters spider and parser on a recorded Posting API page.

The recording is one page holding a company's only posting; the pagination tests serve
synthetic pages made from it (labelled as such), since a real second page was not recorded.
"""

from __future__ import annotations

import copy
import json

import pytest
from scrapy import Request

from scrapers.items import JobPostingItem
from scrapers.kinds import parse_envelope
from scrapers.kinds.smartrecruiters.spider import SmartrecruitersSpider
from scrapers.parsing import PostingFields
from scrapers.spiders.base import dump_payload
from warehouse.replay import Route

API = "https://api.smartrecruiters.com"
FIXTURE = "smartrecruiters/smartrecruiters_1.json"


def page_url(company_id: str, offset: int = 0) -> str:
    return f"{API}/v1/companies/{company_id}/postings?limit=100&offset={offset}"


def synthetic_page(document: dict, offset: int, total: int, ids: list[str]) -> dict:
    """A page of ``total`` postings at ``offset``: copies of the recorded posting, new ids."""
    [posting] = document["content"]
    page = {**document, "offset": offset, "totalFound": total, "content": []}
    for posting_id in ids:
        page["content"].append({**copy.deepcopy(posting), "id": posting_id})
    return page


def test_first_request_asks_for_the_first_page(make_spider):
    spider = make_spider(SmartrecruitersSpider, company_id="knight")

    [request] = spider.initial_requests()

    assert request.url == page_url("knight")
    assert request.callback == spider.parse
    assert request.errback == spider.on_request_failed
    assert request.cb_kwargs == {"offset": 0, "page": 1}


def test_parse_yields_the_envelope_and_stops_at_total_found(
    make_spider, json_response, fixture_json, stats_of
):
    [posting] = fixture_json(FIXTURE)["content"]
    spider = make_spider(SmartrecruitersSpider, company_id="knight")

    outputs = list(spider.parse(json_response(FIXTURE, url=page_url("knight"))))

    assert outputs == [
        JobPostingItem(
            source_kind="smartrecruiters",
            source_key="smartrecruiters:knight",
            source_posting_id="743999671674844",
            url=page_url("knight"),
            payload=dump_payload(posting),
            payload_format="json",
            source_context={},
        )
    ]
    payload = json.loads(outputs[0].payload)
    assert payload["function"] == {"id": "health_care_provider", "label": "Health Care Provider"}
    assert stats_of(spider) == {}


def posting_fields(posting: dict, company_id: str = "knight", **context: str) -> PostingFields:
    return parse_envelope(
        {
            "source_kind": "smartrecruiters",
            "source_key": f"smartrecruiters:{company_id}",
            "source_posting_id": posting["id"],
            "url": page_url(company_id),
            "payload": dump_payload(posting),
            "source_context": context,
        }
    )


def test_parser_maps_a_posting(fixture_json):
    [posting] = fixture_json(FIXTURE)["content"]

    assert posting_fields(posting) == PostingFields(
        title="CNA  / LPN - Consistent Hours. Start Next Week.",
        company_name="Knight Gayles",
        location="St. Louis, MO, United States",
        country="us",
        region="MO",
        city="St. Louis",
        remote="onsite",
        department=None,
        employment_type="Part-time",
        posted_at="2018-06-08T02:11:28.000Z",
        url="https://jobs.smartrecruiters.com/Knight/743999671674844",
        industry_labels=["Medical Practice"],
    )


def test_parser_prefers_the_entry_company_and_builds_the_url_from_the_entry(fixture_json):
    """Synthetic: the recorded posting without its ``company`` object and ``fullLocation``."""
    [posting] = fixture_json(FIXTURE)["content"]
    del posting["company"], posting["location"]["fullLocation"]

    fields = posting_fields(posting, company="Knight Healthcare")

    assert (fields.company_name, fields.url, fields.location) == (
        "Knight Healthcare",
        "https://jobs.smartrecruiters.com/knight/743999671674844",
        "St. Louis, MO, us",
    )
    assert posting_fields(posting).company_name == "knight"


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ({"remote": True, "hybrid": False}, "remote"),
        ({"remote": False, "hybrid": True}, "hybrid"),
        ({"remote": False, "hybrid": False}, "onsite"),
        ({}, None),
    ],
)
def test_remote_is_the_published_workplace_flags(fixture_json, flags, expected):
    """Synthetic: the recorded posting with its ``remote``/``hybrid`` flags replaced."""
    [posting] = fixture_json(FIXTURE)["content"]
    location = posting["location"]
    del location["remote"], location["hybrid"]
    location.update(flags)

    assert posting_fields(posting).remote == expected


def test_a_page_short_of_total_found_asks_for_the_next(make_spider, json_response, fixture_json):
    """Synthetic: the recorded page, announcing 150 postings."""
    document = fixture_json(FIXTURE)
    document["totalFound"] = 150
    spider = make_spider(SmartrecruitersSpider, company_id="knight")
    response = json_response(FIXTURE, url=page_url("knight"), body=json.dumps(document).encode())

    item, next_page = spider.parse(response, offset=0, page=1)

    assert item.source_posting_id == "743999671674844"
    assert isinstance(next_page, Request)
    assert next_page.url == page_url("knight", 1)
    assert next_page.cb_kwargs == {"offset": 1, "page": 2}


def test_max_pages_stops_the_crawl_and_counts_an_error(
    make_spider, json_response, fixture_json, stats_of
):
    """Synthetic: the recorded page, announcing 150 postings, with ``max_pages: 1``."""
    document = fixture_json(FIXTURE)
    document["totalFound"] = 150
    spider = make_spider(SmartrecruitersSpider, company_id="knight", max_pages=1)
    response = json_response(FIXTURE, url=page_url("knight"), body=json.dumps(document).encode())

    outputs = list(spider.parse(response, offset=0, page=1))

    assert [type(output) for output in outputs] == [JobPostingItem]
    assert stats_of(spider) == {"postings/record_error/max_pages_reached": 1, "postings/errors": 1}


@pytest.mark.parametrize("max_pages", [0, -1, "many", True])
def test_max_pages_must_be_a_positive_whole_number(max_pages):
    with pytest.raises(ValueError, match="max_pages must be a whole number"):
        SmartrecruitersSpider.validate_options({"company_id": "knight", "max_pages": max_pages})


def test_broken_posting_is_counted_and_skipped(make_spider, json_response, fixture_json, stats_of):
    """Synthetic: two copies of the recorded posting, the first without its ``id``."""
    document = synthetic_page(fixture_json(FIXTURE), 0, 2, ["1", "2"])
    del document["content"][0]["id"]
    spider = make_spider(SmartrecruitersSpider, company_id="knight")
    response = json_response(FIXTURE, url=page_url("knight"), body=json.dumps(document).encode())

    items = list(spider.parse(response))

    assert [item.source_posting_id for item in items] == ["2"]
    assert stats_of(spider) == {"postings/record_error/unparseable_record": 1, "postings/errors": 1}
    assert spider.error_messages == [
        "smartrecruiters:knight: record #0: unparseable_record: KeyError: 'id'"
    ]


def test_an_answer_without_content_is_counted(make_spider, json_response, stats_of):
    spider = make_spider(SmartrecruitersSpider, company_id="nobody")
    response = json_response(
        FIXTURE, url=page_url("nobody"), body=b'{"message": "Company not found"}'
    )

    assert list(spider.parse(response)) == []
    assert stats_of(spider) == {"postings/record_error/unexpected_shape": 1, "postings/errors": 1}


def test_crawl_over_http_follows_the_pages(run_crawl, fixture_json):
    """Page 1 is the recorded page announcing three postings (synthetic total), page 2 a
    synthetic page with the second posting, page 3 a synthetic empty page."""
    document = fixture_json(FIXTURE)
    first = {**document, "totalFound": 3}
    second = synthetic_page(document, 1, 3, ["743999671674845"])
    empty = {**document, "offset": 2, "totalFound": 3, "content": []}
    path = "/v1/companies/knight/postings"
    routes = [
        Route(
            path=path,
            query={"offset": str(offset)},
            body=json.dumps(page).encode(),
            content_type="application/json",
        )
        for offset, page in ((0, first), (1, second), (2, empty))
    ]

    result = run_crawl(
        'sources:\n  - {kind: smartrecruiters, company_id: knight, api_base: "{replay}", '
        "delay: 0}\n",
        routes,
    )

    manifest = result.manifest("smartrecruiters:knight")
    assert (manifest["status"], manifest["postings"], manifest["errors"]) == ("succeeded", 2, 0)
    assert result.requests == [
        "/robots.txt",
        f"{path}?limit=100&offset=0",
        f"{path}?limit=100&offset=1",
        f"{path}?limit=100&offset=2",
    ]
    first_record = result.records[0]
    assert first_record["source_posting_id"] == "743999671674844"
    assert "company_name" not in first_record  # nothing parsed at crawl
    fields = parse_envelope(first_record)
    assert (fields.company_name, fields.employment_type) == ("Knight Gayles", "Part-time")
    assert [r["source_posting_id"] for r in result.records] == [
        "743999671674844",
        "743999671674845",
    ]
