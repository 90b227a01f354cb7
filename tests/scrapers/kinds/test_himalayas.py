"""The Himalayas kind (spider and parser) on a recorded API answer (himalayas/)."""

from __future__ import annotations

import json

import pytest
from scrapy import Request
from scrapy.exceptions import CloseSpider

from scrapers.items import JobPostingItem
from scrapers.kinds import parse_envelope
from scrapers.kinds.himalayas.spider import HimalayasSpider
from scrapers.parsing import PostingFields
from scrapers.spiders.base import dump_payload
from warehouse.replay import Route

API = "https://himalayas.app"
IDS = [
    "https://himalayas.app/companies/ceragon-networks/jobs/content-marcom-specialist",
    "https://himalayas.app/companies/binance/jobs/product-manager-web3-defi",
    "https://himalayas.app/companies/mindrift/jobs/portfolio-manager-freelance-ai-trainer-169480136",
    "https://himalayas.app/companies/nvidia/jobs/senior-system-software-engineer-nvsci",
]
#: Synthetic: an answer past the newest jobs the board still serves.
EMPTY_PAGE = json.dumps({"offset": 4, "limit": 20, "totalCount": 100371, "jobs": []}).encode()


def parse(
    make_spider, json_response, body: bytes | None = None, offset: int = 0, page: int = 1, **options
) -> tuple:
    spider = make_spider(HimalayasSpider, **options)
    response = json_response(
        "himalayas/himalayas_1.json", url=f"{API}/jobs/api?limit=20&offset={offset}", body=body
    )
    return spider, list(spider.parse(response, offset=offset, page=page))


def test_first_request_asks_for_the_newest_twenty(make_spider):
    spider = make_spider(HimalayasSpider)

    [request] = spider.initial_requests()

    assert spider.source_key == "himalayas:all"
    assert request.url == f"{API}/jobs/api?limit=20&offset=0"
    assert request.cb_kwargs == {"offset": 0, "page": 1}


def test_parse_yields_every_job_then_asks_from_the_next_offset(
    make_spider, json_response, stats_of
):
    """The recorded page holds 4 jobs of 100,371: the next page starts at offset 4."""
    spider, output = parse(make_spider, json_response)

    *items, next_request = output
    assert [item.source_posting_id for item in items] == IDS
    assert isinstance(next_request, Request)
    assert next_request.url == f"{API}/jobs/api?limit=20&offset=4"
    assert next_request.cb_kwargs == {"offset": 4, "page": 2}
    assert stats_of(spider) == {}


def test_parse_stores_each_job_as_sent(make_spider, json_response, fixture_json):
    job = fixture_json("himalayas/himalayas_1.json")["jobs"][1]

    _, [_, item, *_] = parse(make_spider, json_response)

    assert item == JobPostingItem(
        source_kind="himalayas",
        source_key="himalayas:all",
        source_posting_id="https://himalayas.app/companies/binance/jobs/product-manager-web3-defi",
        url=f"{API}/jobs/api?limit=20&offset=0",
        payload=dump_payload(job),
    )


def test_parser_reads_a_job_open_in_several_countries(make_spider, json_response, fixture_json):
    job = fixture_json("himalayas/himalayas_1.json")["jobs"][1]

    _, [_, item, *_] = parse(make_spider, json_response)

    fields = parse_envelope(item)
    assert (fields.title, fields.company_name, fields.location, fields.country) == (
        "Product Manager - Web3/ DeFi",
        "Binance",
        "Hong Kong, Singapore, Taiwan",
        None,
    )
    assert (fields.remote, fields.employment_type) == ("remote", "Full Time")
    assert (fields.posted_at, fields.expires_at) == ("1783731516", "1788915515")
    assert fields.url == "https://himalayas.app/companies/binance/jobs/product-manager-web3-defi"
    assert (fields.salary_min, fields.salary_interval) == (None, None)
    assert fields.description_format == "html"
    assert "<" not in fields.description_text
    assert (job["minSalary"], job["timezoneRestrictions"]) == (None, [8])


def test_parser_reads_a_job_with_a_salary(make_spider, json_response, fixture_json):
    job = fixture_json("himalayas/himalayas_1.json")["jobs"][3]

    _, [*_, item, _] = parse(make_spider, json_response)

    fields = parse_envelope(item)
    assert fields == PostingFields(
        title="Senior System Software Engineer, NvSci",
        company_name="NVIDIA",
        location="Canada, United States",
        remote="remote",
        employment_type="Full Time",
        posted_at="1783731382",
        expires_at="1788915380",
        url="https://himalayas.app/companies/nvidia/jobs/senior-system-software-engineer-nvsci",
        salary_currency="USD",
        salary_min="184000",
        salary_max="356500",
        salary_interval="annual",
        description_format="html",
        description_text=fields.description_text,
    )
    assert (job["minSalary"], job["maxSalary"], job["currency"], job["salaryPeriod"]) == (
        184000,
        356500,
        "USD",
        "annual",
    )


def test_parser_reads_a_single_country_as_the_country(make_spider, json_response):
    _, [item, *_] = parse(make_spider, json_response)

    fields = parse_envelope(item)
    assert (fields.location, fields.country) == ("United States", "United States")


def test_parse_stops_when_total_count_is_reached(make_spider, json_response, fixture_json):
    """Synthetic: the recorded page with ``totalCount`` lowered to the jobs it holds."""
    document = fixture_json("himalayas/himalayas_1.json")
    document["totalCount"] = 4

    _, output = parse(make_spider, json_response, body=json.dumps(document).encode())

    assert [item.source_posting_id for item in output] == IDS


def test_an_empty_page_ends_the_crawl(make_spider, json_response, stats_of):
    spider, output = parse(make_spider, json_response, body=EMPTY_PAGE, offset=4, page=2)

    assert output == []
    assert stats_of(spider) == {}


def test_max_pages_stops_the_run_after_yielding_the_page(make_spider, json_response):
    spider = make_spider(HimalayasSpider, max_pages=1)
    output = spider.parse(
        json_response("himalayas/himalayas_1.json", url=f"{API}/jobs/api?limit=20&offset=0"),
        offset=0,
        page=1,
    )

    items = [next(output) for _ in IDS]
    with pytest.raises(CloseSpider) as stopped:
        next(output)

    assert [item.source_posting_id for item in items] == IDS
    assert stopped.value.reason == "max_pages"


def test_broken_job_is_counted_and_skipped(make_spider, json_response, fixture_json, stats_of):
    """Synthetic: a copy of himalayas_1.json whose first job has lost its ``guid``."""
    document = fixture_json("himalayas/himalayas_1.json")
    del document["jobs"][0]["guid"]

    spider, output = parse(make_spider, json_response, body=json.dumps(document).encode())

    assert [item.source_posting_id for item in output[:-1]] == IDS[1:]
    assert output[-1].cb_kwargs == {"offset": 4, "page": 2}
    assert stats_of(spider) == {"postings/record_error/unparseable_record": 1, "postings/errors": 1}
    assert spider.error_messages == [
        "himalayas:all: record #0: unparseable_record: KeyError: 'guid'"
    ]


def test_crawl_over_http_follows_the_offsets(run_crawl, route_to):
    result = run_crawl(
        'sources:\n  - {kind: himalayas, api_base: "{replay}", delay: 0}\n',
        [
            route_to("/jobs/api", "himalayas/himalayas_1.json", query={"offset": "0"}),
            Route(
                path="/jobs/api",
                query={"offset": "4"},
                body=EMPTY_PAGE,
                content_type="application/json",
            ),
        ],
    )

    manifest = result.manifest("himalayas:all")
    assert (manifest["status"], manifest["postings"], manifest["errors"]) == ("succeeded", 4, 0)
    assert result.requests == [
        "/robots.txt",
        "/jobs/api?limit=20&offset=0",
        "/jobs/api?limit=20&offset=4",
    ]
    records = result.records_of("himalayas:all")
    assert [r["source_posting_id"] for r in records] == IDS
    assert parse_envelope(records[0]).description_text.startswith(
        "Description\nAbout the Role\nAre you"
    )
