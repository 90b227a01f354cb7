"""The Remotive kind (spider and parser) on recorded API answers (tests/fixtures/remotive/)."""

from __future__ import annotations

import json

import pytest

from scrapers.items import JobPostingItem
from scrapers.kinds import parse_envelope
from scrapers.kinds.remotive.spider import RemotiveSpider
from scrapers.parsing import PostingFields
from scrapers.sources import parse_entry
from scrapers.spiders.base import dump_payload
from warehouse.replay import Route

API = "https://remotive.com"


def parse(
    make_spider, json_response, fixture_file_name: str, body: bytes | None = None, **options
) -> tuple:
    spider = make_spider(RemotiveSpider, **options)
    response = json_response(
        f"remotive/{fixture_file_name}", url=f"{API}/api/remote-jobs", body=body
    )
    return spider, list(spider.parse(response))


def test_first_request_asks_for_every_job_without_filters(make_spider):
    spider = make_spider(RemotiveSpider)

    [request] = spider.initial_requests()

    assert spider.source_key == "remotive:all"
    assert request.url == f"{API}/api/remote-jobs"
    assert request.errback == spider.on_request_failed


def test_first_request_carries_the_filters(make_spider):
    spider = make_spider(RemotiveSpider, category="software-dev", search="data engineer", limit=100)

    [request] = spider.initial_requests()

    assert spider.source_key == "remotive:category=software-dev,search=data engineer"
    assert request.url == (
        f"{API}/api/remote-jobs?category=software-dev&search=data+engineer&limit=100"
    )


@pytest.mark.parametrize("limit", [0, -1, "ten", True])
def test_a_limit_that_is_not_a_positive_number_is_refused(limit):
    with pytest.raises(ValueError, match="limit must be a whole number"):
        parse_entry({"kind": "remotive", "limit": limit}, 1)


@pytest.mark.parametrize(
    ("fixture_file_name", "expected_ids"),
    [
        ("remotive_1.json", ["2090989", "2091068", "2091056", "1919265"]),
        ("remotive_2.json", ["2091048", "2086540", "2090949", "2091047"]),
        ("remotive_3.json", ["2091081", "2090903", "2091075", "2091074", "2091072"]),
    ],
)
def test_parse_yields_every_job_and_ignores_the_notices(
    make_spider, json_response, stats_of, fixture_file_name, expected_ids
):
    spider, items = parse(make_spider, json_response, fixture_file_name)

    assert [item.source_posting_id for item in items] == expected_ids
    assert stats_of(spider) == {}


def test_parse_yields_envelopes_with_the_job_as_sent(make_spider, json_response, fixture_json):
    job = fixture_json("remotive/remotive_1.json")["jobs"][1]

    _, [_, item, _, _] = parse(make_spider, json_response, "remotive_1.json")

    assert item == JobPostingItem(
        source_kind="remotive",
        source_key="remotive:all",
        source_posting_id="2091068",
        url=f"{API}/api/remote-jobs",
        payload=dump_payload(job),
        payload_format="json",
        source_context={},
    )
    assert json.loads(item.payload) == job


def job_fields(fixture_json, fixture_file_name: str, position: int) -> PostingFields:
    job = fixture_json(f"remotive/{fixture_file_name}")["jobs"][position]
    return parse_envelope(
        {
            "source_kind": "remotive",
            "source_key": "remotive:all",
            "source_posting_id": str(job["id"]),
            "url": f"{API}/api/remote-jobs",
            "payload": dump_payload(job),
            "source_context": {},
        }
    )


def test_parser_maps_a_job_with_a_free_text_salary(fixture_json):
    job = fixture_json("remotive/remotive_1.json")["jobs"][1]

    fields = job_fields(fixture_json, "remotive_1.json", 1)

    assert fields == PostingFields(
        title="Head of Marketing & Communications",
        company_name="garden3d",
        location="Worldwide",
        remote="remote",
        employment_type="contract",
        posted_at="2026-07-16T08:06:41",
        url="https://remotive.com/remote-jobs/marketing/head-of-marketing-communications-2091068",
        salary_text="$150k - $230k",
        description_format="html",
        description_text=fields.description_text,
    )
    assert fields.description_text.startswith(
        "We are hiring a Head of Marketing & Communications to tell the garden3d story"
    )
    assert job["category"] == "Marketing"


def test_parser_maps_a_job_of_an_answer_with_warnings(fixture_json):
    """remotive_2.json carries ``00-warning``, ``0-legal-notice`` and ``total-job-count``."""
    document = fixture_json("remotive/remotive_2.json")

    fields = job_fields(fixture_json, "remotive_2.json", 0)

    assert (
        fields.title,
        fields.company_name,
        fields.location,
        fields.employment_type,
        fields.posted_at,
        fields.url,
    ) == (
        "Product Sales Specialist - Pet Health",
        "Tribe Wellness",
        "USA, CST (UTC-6)",
        "full_time",
        "2026-07-09T08:01:56",
        "https://remotive.com/remote-jobs/sales/product-sales-specialist-pet-health-2091048",
    )
    assert fields.description_text.startswith("Must Love Dogs!!\nAt Tribe Wellness")
    assert "00-warning" in document
    assert document["total-job-count"] == 30


def test_parser_maps_an_empty_job_type_and_salary_to_none(fixture_json):
    job = fixture_json("remotive/remotive_3.json")["jobs"][4]

    fields = job_fields(fixture_json, "remotive_3.json", 4)

    assert (
        fields.title,
        fields.location,
        fields.employment_type,
        fields.salary_text,
        fields.posted_at,
        fields.url,
    ) == (
        "Product Sales Specialist - Pet Health (CST timezone)",
        "Worldwide",
        None,
        None,
        "2026-07-22T06:22:11",
        "https://remotive.com/remote-jobs/sales/"
        "product-sales-specialist-pet-health-cst-timezone-2091072",
    )
    assert (job["job_type"], job["salary"]) == ("", "")


def test_broken_job_is_counted_and_skipped(make_spider, json_response, fixture_json, stats_of):
    """Synthetic: a copy of remotive_1.json whose third job has lost its ``id``."""
    document = fixture_json("remotive/remotive_1.json")
    del document["jobs"][2]["id"]

    spider, items = parse(
        make_spider, json_response, "remotive_1.json", body=json.dumps(document).encode()
    )

    assert [item.source_posting_id for item in items] == ["2090989", "2091068", "1919265"]
    assert stats_of(spider) == {"postings/record_error/unparseable_record": 1, "postings/errors": 1}
    assert spider.error_messages == ["remotive:all: record #2: unparseable_record: KeyError: 'id'"]


def test_an_answer_without_jobs_is_counted(make_spider, json_response, stats_of):
    spider, items = parse(make_spider, json_response, "remotive_1.json", body=b"[]")

    assert items == []
    assert stats_of(spider) == {"postings/record_error/unexpected_shape": 1, "postings/errors": 1}


def test_crawl_over_http_lands_every_job(run_crawl, route_to):
    result = run_crawl(
        'sources:\n  - {kind: remotive, category: sales, api_base: "{replay}", delay: 0}\n',
        [route_to("/api/remote-jobs", "remotive/remotive_2.json", query={"category": "sales"})],
    )

    manifest = result.manifest("remotive:category=sales")
    assert (manifest["status"], manifest["postings"], manifest["errors"]) == ("succeeded", 4, 0)
    assert result.requests == ["/robots.txt", "/api/remote-jobs?category=sales"]
    records = result.records_of("remotive:category=sales")
    assert [r["source_posting_id"] for r in records] == ["2091048", "2086540", "2090949", "2091047"]
    assert parse_envelope(records[0]).description_text.startswith(
        "Must Love Dogs!!\nAt Tribe Wellness"
    )


def test_crawl_lands_the_rest_of_a_page_with_one_broken_job(run_crawl, fixture_json, tmp_path):
    """Synthetic: a copy of remotive_3.json whose first job is a string, not an object."""
    document = fixture_json("remotive/remotive_3.json")
    document["jobs"][0] = "not a job"
    broken = tmp_path / "remotive_3_synthetic_string_job.json"
    broken.write_text(json.dumps(document), encoding="utf-8")

    result = run_crawl(
        'sources:\n  - {kind: remotive, api_base: "{replay}", delay: 0}\n',
        [Route(path="/api/remote-jobs", file=broken)],
    )

    manifest = result.manifest("remotive:all")
    assert (manifest["status"], manifest["postings"], manifest["errors"]) == ("partial", 4, 1)
    assert "remotive:all: record #0: unparseable_record: TypeError" in manifest["error_summary"]
