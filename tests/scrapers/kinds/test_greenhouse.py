"""The Greenhouse kind (spider and parser) on recorded Job Board API answers.

The answers are under tests/fixtures/greenhouse/ (or the demo recording's greenhouse/).
"""

from __future__ import annotations

import json

import pytest

from scrapers.items import JobPostingItem
from scrapers.kinds import parse_envelope
from scrapers.kinds.greenhouse.spider import GreenhouseSpider
from scrapers.parsing import PostingFields
from scrapers.spiders.base import dump_payload
from warehouse.replay import Route

API = "https://boards-api.greenhouse.io"


def parse(make_spider, json_response, fixture_file_name: str, board: str) -> tuple:
    spider = make_spider(GreenhouseSpider, board=board)
    url = f"{API}/v1/boards/{board}/jobs?content=true"
    items = list(spider.parse(json_response(f"greenhouse/{fixture_file_name}", url=url)))
    return spider, items


def test_first_request_asks_for_the_board_with_content(make_spider):
    spider = make_spider(GreenhouseSpider, board="anthropic")

    [request] = spider.initial_requests()

    assert request.url == f"{API}/v1/boards/anthropic/jobs?content=true"
    assert request.callback == spider.parse
    assert request.errback == spider.on_request_failed


@pytest.mark.parametrize(
    ("fixture_file_name", "board", "expected_ids"),
    [
        (
            "greenhouse_1.json",
            "anthropic",
            ["5311686008", "5215052008", "5023394008", "5101378008"],
        ),
        ("greenhouse_2.json", "smarterdx", ["5193736007", "5099964007"]),
        (
            "greenhouse_3_nocontent.json",
            "stripe",
            ["8023928", "8077887", "8042978", "7789539", "7893199", "7993151"],
        ),
        ("greenhouse_4.json", "amplitude", ["8636903002", "8651132002"]),
    ],
)
def test_parse_yields_every_job_of_the_board(
    make_spider, json_response, stats_of, fixture_file_name, board, expected_ids
):
    spider, items = parse(make_spider, json_response, fixture_file_name, board)

    assert [item.source_posting_id for item in items] == expected_ids
    assert {item.source_key for item in items} == {f"greenhouse:{board}"}
    assert stats_of(spider) == {}


def test_parse_yields_envelopes_with_the_job_as_sent(make_spider, json_response, fixture_json):
    [job, *_] = fixture_json("greenhouse/greenhouse_1.json")["jobs"]

    _, [item, *_] = parse(make_spider, json_response, "greenhouse_1.json", "anthropic")

    assert item == JobPostingItem(
        source_kind="greenhouse",
        source_key="greenhouse:anthropic",
        source_posting_id="5311686008",
        url=f"{API}/v1/boards/anthropic/jobs?content=true",
        payload=dump_payload(job),
        payload_format="json",
        source_context={},
    )
    assert json.loads(item.payload) == job


def test_envelope_carries_the_entry_company_for_the_parser(make_spider, json_response):
    spider = make_spider(GreenhouseSpider, board="anthropic", company="Anthropic PBC")
    url = f"{API}/v1/boards/anthropic/jobs?content=true"

    [item, *_] = spider.parse(json_response("greenhouse/greenhouse_1.json", url=url))

    assert item.source_context == {"company": "Anthropic PBC"}


def job_fields(
    fixture_json, fixture_file_name: str, board: str, position: int = 0, **context: str
) -> PostingFields:
    job = fixture_json(f"greenhouse/{fixture_file_name}")["jobs"][position]
    return parse_envelope(
        {
            "source_kind": "greenhouse",
            "source_key": f"greenhouse:{board}",
            "source_posting_id": str(job["id"]),
            "url": None,
            "payload": dump_payload(job),
            "source_context": context,
        }
    )


def test_parser_maps_a_job_with_a_location_type(fixture_json):
    fields = job_fields(fixture_json, "greenhouse_1.json", "anthropic")

    assert fields == PostingFields(
        title="Country Lead, Data Center Security",
        company_name="Anthropic",
        location="Sydney, Australia",
        remote="Remote",
        department="Security",
        employment_type=None,
        posted_at="2026-07-10T16:15:41-04:00",
        updated_at="2026-07-14T18:35:00-04:00",
        url="https://job-boards.greenhouse.io/anthropic/jobs/5311686008",
        description_format="html_escaped",
        description_text=fields.description_text,
    )
    assert fields.description_text.startswith(
        "About Anthropic\nAnthropic\u2019s mission is to create"
    )
    assert "&lt;" not in fields.description_text
    assert "<div" not in fields.description_text


def test_parser_trims_published_values(fixture_json):
    """SmarterDx's department name ends in a space and its jobs carry no metadata."""
    fields = job_fields(fixture_json, "greenhouse_2.json", "smarterdx")

    assert (
        fields.title,
        fields.company_name,
        fields.location,
        fields.remote,
        fields.department,
        fields.posted_at,
    ) == (
        "Client Support Analyst I",
        "SmarterDx",
        "Remote (United States)",
        None,
        "Customer Success",
        "2026-07-27T13:48:30-04:00",
    )


def test_parser_reads_a_board_recorded_without_content(fixture_json):
    fields = job_fields(fixture_json, "greenhouse_3_nocontent.json", "stripe")

    assert (fields.title, fields.company_name, fields.location, fields.url) == (
        "Account Executive, Bridge",
        "Stripe",
        "London",
        "https://stripe.com/jobs/search?gh_jid=8023928",
    )
    assert (fields.description_format, fields.description_text) == (None, None)


def test_parser_reads_the_employment_type_custom_field_not_as_workplace(fixture_json):
    """Amplitude's only metadata field is "Employment Type: Regular", which is not remote."""
    fields = job_fields(fixture_json, "greenhouse_4.json", "amplitude")

    assert (
        fields.title,
        fields.company_name,
        fields.remote,
        fields.employment_type,
        fields.department,
    ) == (
        "Customer Data Scientist - Experimentation",
        "Amplitude",
        None,
        "Regular",
        "Solutions Consulting",
    )


def test_parser_falls_back_to_the_entry_company_then_the_board(fixture_json):
    """Synthetic: a job object without ``company_name``."""
    job = fixture_json("greenhouse/greenhouse_2.json")["jobs"][0]
    del job["company_name"]
    envelope = {
        "source_kind": "greenhouse",
        "source_key": "greenhouse:smarterdx",
        "source_posting_id": str(job["id"]),
        "payload": dump_payload(job),
    }

    assert (
        parse_envelope({**envelope, "source_context": {"company": "SmarterDx Inc"}}).company_name
        == "SmarterDx Inc"
    )
    assert parse_envelope(envelope).company_name == "smarterdx"


def test_broken_job_is_counted_and_skipped(make_spider, json_response, fixture_json, stats_of):
    """Synthetic: a copy of greenhouse_1.json whose second job has lost its ``id``."""
    document = fixture_json("greenhouse/greenhouse_1.json")
    del document["jobs"][1]["id"]
    spider = make_spider(GreenhouseSpider, board="anthropic")
    response = json_response(
        "greenhouse/greenhouse_1.json",
        url=f"{API}/v1/boards/anthropic/jobs",
        body=json.dumps(document).encode(),
    )

    items = list(spider.parse(response))

    assert [item.source_posting_id for item in items] == ["5311686008", "5023394008", "5101378008"]
    assert stats_of(spider) == {"postings/record_error/unparseable_record": 1, "postings/errors": 1}
    assert spider.error_messages == [
        "greenhouse:anthropic: record #1: unparseable_record: KeyError: 'id'"
    ]


def test_a_page_that_is_not_json_is_counted(make_spider, json_response, stats_of):
    spider = make_spider(GreenhouseSpider, board="anthropic")
    response = json_response(
        "greenhouse/greenhouse_1.json",
        url=f"{API}/v1/boards/anthropic/jobs",
        body=b"<html>Service unavailable</html>",
    )

    assert list(spider.parse(response)) == []
    assert stats_of(spider) == {"postings/record_error/invalid_json": 1, "postings/errors": 1}


def test_crawl_over_http_lands_every_job(run_crawl, route_to):
    result = run_crawl(
        'sources:\n  - {kind: greenhouse, board: anthropic, api_base: "{replay}", delay: 0}\n',
        [
            route_to(
                "/v1/boards/anthropic/jobs",
                "greenhouse/greenhouse_1.json",
                query={"content": "true"},
            )
        ],
    )

    manifest = result.manifest("greenhouse:anthropic")
    assert (manifest["status"], manifest["postings"], manifest["errors"]) == ("succeeded", 4, 0)
    assert result.requests == ["/robots.txt", "/v1/boards/anthropic/jobs?content=true"]
    records = result.records_of("greenhouse:anthropic")
    assert [r["source_posting_id"] for r in records] == [
        "5311686008",
        "5215052008",
        "5023394008",
        "5101378008",
    ]
    first = records[0]
    assert first["crawl_run_id"] == manifest["crawl_run_id"]
    assert len(first["content_hash"]) == 64
    assert "title" not in first  # nothing parsed at crawl
    assert "description_text" not in first
    assert parse_envelope(first).title == "Country Lead, Data Center Security"


def test_crawl_lands_the_rest_of_a_page_with_one_broken_job(run_crawl, fixture_json, tmp_path):
    """Synthetic: a copy of greenhouse_1.json whose second job has lost its ``id``."""
    document = fixture_json("greenhouse/greenhouse_1.json")
    del document["jobs"][1]["id"]
    broken = tmp_path / "greenhouse_1_synthetic_missing_id.json"
    broken.write_text(json.dumps(document), encoding="utf-8")

    result = run_crawl(
        'sources:\n  - {kind: greenhouse, board: anthropic, api_base: "{replay}", delay: 0}\n',
        [Route(path="/v1/boards/anthropic/jobs", file=broken)],
    )

    manifest = result.manifest("greenhouse:anthropic")
    assert (manifest["status"], manifest["postings"], manifest["errors"]) == ("partial", 3, 1)
    assert manifest["counters"]["postings/record_error/unparseable_record"] == 1
    assert "record #1: unparseable_record: KeyError: 'id'" in manifest["error_summary"]
    assert [r["source_posting_id"] for r in result.records] == [
        "5311686008",
        "5023394008",
        "5101378008",
    ]
