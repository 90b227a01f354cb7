"""The Jobicy kind (spider and parser) on recorded API v2 answers (tests/fixtures/jobicy/)."""

from __future__ import annotations

import json

import pytest

from scrapers.items import JobPostingItem
from scrapers.kinds import parse_envelope
from scrapers.kinds.jobicy.spider import JobicySpider
from scrapers.parsing import PostingFields
from scrapers.spiders.base import dump_payload
from warehouse.replay import Route

API = "https://jobicy.com"


def parse(make_spider, json_response, fixture_file_name: str, body: bytes | None = None) -> tuple:
    spider = make_spider(JobicySpider)
    response = json_response(
        f"jobicy/{fixture_file_name}", url=f"{API}/api/v2/remote-jobs?count=50", body=body
    )
    return spider, list(spider.parse(response))


def test_first_request_asks_for_fifty_jobs(make_spider):
    spider = make_spider(JobicySpider)

    [request] = spider.initial_requests()

    assert spider.source_key == "jobicy:all"
    assert request.url == f"{API}/api/v2/remote-jobs?count=50"
    assert request.errback == spider.on_request_failed


def test_first_request_carries_the_filters(make_spider):
    spider = make_spider(JobicySpider, geo="usa", industry="marketing", tag="seo")

    [request] = spider.initial_requests()

    assert spider.source_key == "jobicy:geo=usa,industry=marketing,tag=seo"
    assert request.url == f"{API}/api/v2/remote-jobs?count=50&geo=usa&industry=marketing&tag=seo"


@pytest.mark.parametrize(
    ("fixture_file_name", "expected_ids"),
    [
        ("jobicy_1.json", ["145880", "145878", "145885", "146002"]),
        ("jobicy_2.json", ["150172", "150170", "150169", "150168", "150167"]),
    ],
)
def test_parse_yields_every_job(
    make_spider, json_response, stats_of, fixture_file_name, expected_ids
):
    """jobicy_1.json says ``jobCount: 5`` but lists 4 jobs (trimmed): the list decides."""
    spider, items = parse(make_spider, json_response, fixture_file_name)

    assert [item.source_posting_id for item in items] == expected_ids
    assert stats_of(spider) == {}


def test_parse_yields_envelopes_with_the_job_as_sent(make_spider, json_response, fixture_json):
    job = fixture_json("jobicy/jobicy_1.json")["jobs"][3]

    _, [*_, item] = parse(make_spider, json_response, "jobicy_1.json")

    assert item == JobPostingItem(
        source_kind="jobicy",
        source_key="jobicy:all",
        source_posting_id="146002",
        url=f"{API}/api/v2/remote-jobs?count=50",
        payload=dump_payload(job),
        payload_format="json",
        source_context={},
    )
    assert json.loads(item.payload) == job


def job_fields(fixture_json, fixture_file_name: str, position: int) -> PostingFields:
    job = fixture_json(f"jobicy/{fixture_file_name}")["jobs"][position]
    return parse_envelope(
        {
            "source_kind": "jobicy",
            "source_key": "jobicy:all",
            "source_posting_id": str(job["id"]),
            "url": f"{API}/api/v2/remote-jobs?count=50",
            "payload": dump_payload(job),
            "source_context": {},
        }
    )


def test_parser_maps_a_job_open_in_several_regions(fixture_json):
    """The location keeps Jobicy's double spaces; the title was changed after the slug was made;
    only ``salaryMin`` is published; the board's category is not an industry label."""
    job = fixture_json("jobicy/jobicy_1.json")["jobs"][3]

    fields = job_fields(fixture_json, "jobicy_1.json", 3)

    assert fields == PostingFields(
        title="Content Marketing Manager, Organic Growth (SEO & AEO)",
        company_name="RevenueCat",
        location="EMEA,  LATAM,  Canada,  USA",
        remote="remote",
        employment_type="Full-Time",
        posted_at="2026-07-10T19:25:02+00:00",
        url="https://jobicy.com/jobs/146002-senior-content-marketing-manager-narrative-comms",
        salary_currency=text_or_none(job.get("salaryCurrency")),
        salary_min="151000",
        salary_interval=text_or_none(job.get("salaryPeriod")),
        description_format="html",
        description_text=fields.description_text,
    )
    assert fields.description_text
    assert "<p>" not in fields.description_text
    assert ("salaryMax" in job, job["jobIndustry"]) == (False, ["Marketing &amp; Sales"])


def text_or_none(value) -> str | None:
    return str(value) if value not in (None, "") else None


def test_parser_maps_a_job_with_a_salary_range(fixture_json):
    job = fixture_json("jobicy/jobicy_2.json")["jobs"][0]

    fields = job_fields(fixture_json, "jobicy_2.json", 0)

    assert (
        fields.title,
        fields.company_name,
        fields.location,
        fields.employment_type,
        fields.posted_at,
        fields.url,
    ) == (
        "Senior Manager, Change Enablement - Cox Automotive Fleet",
        "Cox Enterprises",
        "USA",
        "Full-Time",
        "2026-08-03T18:45:05+00:00",
        "https://jobicy.com/jobs/150172-senior-manager-change-enablement-cox-automotive-fleet",
    )
    assert (
        fields.salary_currency,
        fields.salary_min,
        fields.salary_max,
        fields.salary_interval,
    ) == (job["salaryCurrency"], "122600", "204400", "yearly")
    assert fields.description_text.startswith("Company\nCox Automotive - USA\n")


def test_parser_joins_several_job_types():
    """Synthetic: ``jobType`` lists two types."""
    fields = parse_envelope(
        {
            "source_kind": "jobicy",
            "source_key": "jobicy:all",
            "source_posting_id": "1",
            "payload": json.dumps(
                {"id": 1, "jobTitle": "ML Engineer", "jobType": ["Full-Time", "Contract"]}
            ),
        }
    )

    assert (fields.title, fields.employment_type, fields.remote) == (
        "ML Engineer",
        "Full-Time, Contract",
        "remote",
    )


def test_broken_job_is_counted_and_skipped(make_spider, json_response, fixture_json, stats_of):
    """Synthetic: a copy of jobicy_2.json whose fourth job has lost its ``id``."""
    document = fixture_json("jobicy/jobicy_2.json")
    del document["jobs"][3]["id"]

    spider, items = parse(
        make_spider, json_response, "jobicy_2.json", body=json.dumps(document).encode()
    )

    assert [item.source_posting_id for item in items] == ["150172", "150170", "150169", "150167"]
    assert stats_of(spider) == {"postings/record_error/unparseable_record": 1, "postings/errors": 1}
    assert spider.error_messages == ["jobicy:all: record #3: unparseable_record: KeyError: 'id'"]


def test_a_page_that_is_not_json_is_counted(make_spider, json_response, stats_of):
    spider, items = parse(make_spider, json_response, "jobicy_1.json", body=b"<html>busy</html>")

    assert items == []
    assert stats_of(spider) == {"postings/record_error/invalid_json": 1, "postings/errors": 1}


def test_crawl_over_http_lands_every_job(run_crawl, route_to):
    result = run_crawl(
        'sources:\n  - {kind: jobicy, geo: usa, api_base: "{replay}", delay: 0}\n',
        [route_to("/api/v2/remote-jobs", "jobicy/jobicy_2.json", query={"geo": "usa"})],
    )

    manifest = result.manifest("jobicy:geo=usa")
    assert (manifest["status"], manifest["postings"], manifest["errors"]) == ("succeeded", 5, 0)
    assert result.requests == ["/robots.txt", "/api/v2/remote-jobs?count=50&geo=usa"]
    records = result.records_of("jobicy:geo=usa")
    assert [r["source_posting_id"] for r in records] == [
        "150172",
        "150170",
        "150169",
        "150168",
        "150167",
    ]
    assert parse_envelope(records[0]).description_text.startswith("Company\nCox Automotive - USA\n")


def test_crawl_lands_the_rest_of_a_page_with_one_broken_job(run_crawl, fixture_json, tmp_path):
    """Synthetic: a copy of jobicy_1.json whose second job has lost its ``id``."""
    document = fixture_json("jobicy/jobicy_1.json")
    del document["jobs"][1]["id"]
    broken = tmp_path / "jobicy_1_synthetic_missing_id.json"
    broken.write_text(json.dumps(document), encoding="utf-8")

    result = run_crawl(
        'sources:\n  - {kind: jobicy, api_base: "{replay}", delay: 0}\n',
        [Route(path="/api/v2/remote-jobs", file=broken)],
    )

    manifest = result.manifest("jobicy:all")
    assert (manifest["status"], manifest["postings"], manifest["errors"]) == ("partial", 3, 1)
    assert "jobicy:all: record #1: unparseable_record: KeyError: 'id'" in manifest["error_summary"]
