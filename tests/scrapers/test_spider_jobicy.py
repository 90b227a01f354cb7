"""The Jobicy spider on recorded API v2 answers (tests/fixtures/jobicy/)."""

from __future__ import annotations

import json

import pytest

from scrapers.items import JobPostingItem
from scrapers.spiders.base import dump_payload
from scrapers.spiders.jobicy import JobicySpider
from warehouse.replay import Route

API = "https://jobicy.com"


def parse(make_spider, json_response, fixture_file_name: str, body: bytes | None = None) -> tuple:
    spider = make_spider(JobicySpider)
    response = json_response(f"jobicy/{fixture_file_name}",
                             url=f"{API}/api/v2/remote-jobs?count=50", body=body)
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
def test_parse_yields_every_job(make_spider, json_response, stats_of, fixture_file_name,
                                expected_ids):
    """jobicy_1.json says ``jobCount: 5`` but lists 4 jobs (trimmed): the list decides."""
    spider, items = parse(make_spider, json_response, fixture_file_name)

    assert [item.source_posting_id for item in items] == expected_ids
    assert stats_of(spider) == {}


def test_parse_maps_a_job_open_in_several_regions(make_spider, json_response, fixture_json):
    """The location keeps Jobicy's double spaces; the title was changed after the slug was made;
    only ``salaryMin`` is published."""
    job = fixture_json("jobicy/jobicy_1.json")["jobs"][3]

    _, [*_, item] = parse(make_spider, json_response, "jobicy_1.json")

    assert item == JobPostingItem(
        source_kind="jobicy",
        source_key="jobicy:all",
        source_posting_id="146002",
        url="https://jobicy.com/jobs/146002-senior-content-marketing-manager-narrative-comms",
        title="Content Marketing Manager, Organic Growth (SEO & AEO)",
        company_name="RevenueCat",
        location="EMEA,  LATAM,  Canada,  USA",
        remote=None,
        department=None,
        employment_type="Full-Time",
        posted_at="2026-07-10T19:25:02+00:00",
        description=job["jobDescription"],
        description_format="html",
        payload=dump_payload(job),
    )
    assert (job["salaryMin"], "salaryMax" in job, job["jobIndustry"]) == (
        151000, False, ["Marketing &amp; Sales"]
    )


def test_parse_maps_a_job_with_a_salary_range(make_spider, json_response, fixture_json):
    job = fixture_json("jobicy/jobicy_2.json")["jobs"][0]

    _, [item, *_] = parse(make_spider, json_response, "jobicy_2.json")

    assert item == JobPostingItem(
        source_kind="jobicy",
        source_key="jobicy:all",
        source_posting_id="150172",
        url="https://jobicy.com/jobs/150172-senior-manager-change-enablement-cox-automotive-fleet",
        title="Senior Manager, Change Enablement - Cox Automotive Fleet",
        company_name="Cox Enterprises",
        location="USA",
        employment_type="Full-Time",
        posted_at="2026-08-03T18:45:05+00:00",
        description=job["jobDescription"],
        description_format="html",
        payload=dump_payload(job),
    )
    assert (job["salaryMin"], job["salaryMax"], job["salaryPeriod"]) == (122600, 204400, "yearly")


def test_broken_job_is_counted_and_skipped(make_spider, json_response, fixture_json, stats_of):
    """Synthetic: a copy of jobicy_2.json whose fourth job has lost its ``id``."""
    document = fixture_json("jobicy/jobicy_2.json")
    del document["jobs"][3]["id"]

    spider, items = parse(make_spider, json_response, "jobicy_2.json",
                          body=json.dumps(document).encode())

    assert [item.source_posting_id for item in items] == ["150172", "150170", "150169", "150167"]
    assert stats_of(spider) == {"postings/record_error/unparseable_record": 1,
                                "postings/errors": 1}
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
    assert [r["source_posting_id"] for r in records] == ["150172", "150170", "150169", "150168",
                                                         "150167"]
    assert records[0]["description_text"].startswith("Company\nCox Automotive - USA\n")


def test_crawl_lands_the_rest_of_a_page_with_one_broken_job(run_crawl, fixture_json, tmp_path):
    """Synthetic: a copy of jobicy_1.json whose second job has lost its ``id``."""
    document = fixture_json("jobicy/jobicy_1.json")
    del document["jobs"][1]["id"]
    broken = tmp_path / "jobicy_1_synthetic_missing_id.json"
    broken.write_text(json.dumps(document), encoding="utf-8")

    result = run_crawl('sources:\n  - {kind: jobicy, api_base: "{replay}", delay: 0}\n',
                       [Route(path="/api/v2/remote-jobs", file=broken)])

    manifest = result.manifest("jobicy:all")
    assert (manifest["status"], manifest["postings"], manifest["errors"]) == ("partial", 3, 1)
    assert "jobicy:all: record #1: unparseable_record: KeyError: 'id'" in manifest["error_summary"]
