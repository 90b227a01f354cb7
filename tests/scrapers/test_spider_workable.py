"""The Workable spider on recorded job widget answers (tests/fixtures/workable/)."""

from __future__ import annotations

import json

import pytest

from scrapers.items import JobPostingItem
from scrapers.spiders.base import dump_payload
from scrapers.spiders.workable import WorkableSpider

API = "https://apply.workable.com"


def widget_url(account: str) -> str:
    return f"{API}/api/v1/widget/accounts/{account}?details=true"


def parse(make_spider, json_response, fixture_file_name: str, account: str, **options) -> tuple:
    spider = make_spider(WorkableSpider, account=account, **options)
    response = json_response(f"workable/{fixture_file_name}", url=widget_url(account))
    return spider, list(spider.parse(response))


def test_first_request_asks_for_the_widget_with_details(make_spider):
    spider = make_spider(WorkableSpider, account="huggingface")

    [request] = spider.initial_requests()

    assert request.url == widget_url("huggingface")
    assert request.callback == spider.parse
    assert request.errback == spider.on_request_failed


@pytest.mark.parametrize(
    ("fixture_file_name", "account", "expected_ids", "expected_counters"),
    [
        ("workable_1.json", "huggingface", ["F4C096B22E", "19A136F8E2", "0BD8C06DB3"], {}),
        # Two rows, one per country, of the same job: one item.
        ("workable_2.json", "zaelab", ["DD136DD7E7"],
         {"postings/merged/repeated_shortcode": 1}),
    ],
)
def test_parse_yields_one_item_per_job(make_spider, json_response, stats_of, fixture_file_name,
                                       account, expected_ids, expected_counters):
    spider, items = parse(make_spider, json_response, fixture_file_name, account)

    assert [item.source_posting_id for item in items] == expected_ids
    assert {item.source_key for item in items} == {f"workable:{account}"}
    assert stats_of(spider) == expected_counters


def test_parse_maps_a_remote_job(make_spider, json_response, fixture_json):
    """Workable marks the Paris location ``hidden`` (the title says EMEA Remote); it is kept."""
    [job, *_] = fixture_json("workable/workable_1.json")["jobs"]

    _, [item, *_] = parse(make_spider, json_response, "workable_1.json", "huggingface")

    assert item == JobPostingItem(
        source_kind="workable",
        source_key="workable:huggingface",
        source_posting_id="F4C096B22E",
        url="https://apply.workable.com/j/F4C096B22E",
        title="Low-level Senior Software Engineer, Xet Storage - EMEA Remote",
        company_name="Hugging Face",
        location="Paris, Île-de-France, France",
        remote="true",
        department="Product",
        employment_type="Full-time",
        posted_at="2026-07-30",
        description=None,
        payload=dump_payload(job),
    )
    assert json.loads(item.payload)["industry"] == "Computer Software"
    assert json.loads(item.payload)["function"] == "Engineering"


def test_parse_keeps_a_country_without_a_city(make_spider, json_response, fixture_json):
    """The "Wild Card" job has an empty city and a null region: the place is the country."""
    job = fixture_json("workable/workable_1.json")["jobs"][2]

    _, items = parse(make_spider, json_response, "workable_1.json", "huggingface",
                     company="Hugging Face (HF)")

    assert items[2] == JobPostingItem(
        source_kind="workable",
        source_key="workable:huggingface",
        source_posting_id="0BD8C06DB3",
        url="https://apply.workable.com/j/0BD8C06DB3",
        title="Wild Card",
        company_name="Hugging Face (HF)",
        location="United States",
        remote="true",
        department="Wild Card",
        employment_type="Full-time",
        posted_at="2024-10-17",
        payload=dump_payload(job),
    )


def test_parse_merges_the_rows_of_a_job_advertised_in_two_countries(make_spider, json_response,
                                                                   fixture_json):
    """Zaelab's job is listed once for Spain and once for Portugal under one shortcode."""
    spain, portugal = fixture_json("workable/workable_2.json")["jobs"]
    assert spain["shortcode"] == portugal["shortcode"]

    _, [item] = parse(make_spider, json_response, "workable_2.json", "zaelab")

    assert item == JobPostingItem(
        source_kind="workable",
        source_key="workable:zaelab",
        source_posting_id="DD136DD7E7",
        url="https://apply.workable.com/j/DD136DD7E7",
        title="Business Analyst - Spanish Speaking",
        company_name="Zaelab",
        location="Spain; Portugal",
        remote="true",
        department="Business Consulting",
        employment_type=None,
        posted_at="2026-08-05",
        description=None,
        payload=dump_payload(spain),
    )


def test_parse_joins_the_description_parts(make_spider, json_response, fixture_json):
    """Synthetic: a copy of workable_1.json whose first job carries ``details=true`` HTML."""
    document = fixture_json("workable/workable_1.json")
    document["jobs"][0].update(description="<p>About</p>", requirements="<ul><li>Rust</li></ul>")
    spider = make_spider(WorkableSpider, account="huggingface")
    response = json_response("workable/workable_1.json", url=widget_url("huggingface"),
                             body=json.dumps(document).encode())

    [item, *_] = spider.parse(response)

    assert item.description == "<p>About</p><ul><li>Rust</li></ul>"
    assert item.description_format == "html"


def test_broken_job_is_counted_and_skipped(make_spider, json_response, fixture_json, stats_of):
    """Synthetic: a copy of workable_1.json whose second job has lost its ``shortcode``."""
    document = fixture_json("workable/workable_1.json")
    del document["jobs"][1]["shortcode"]
    spider = make_spider(WorkableSpider, account="huggingface")
    response = json_response("workable/workable_1.json", url=widget_url("huggingface"),
                             body=json.dumps(document).encode())

    items = list(spider.parse(response))

    assert [item.source_posting_id for item in items] == ["F4C096B22E", "0BD8C06DB3"]
    assert stats_of(spider) == {"postings/record_error/unparseable_record": 1, "postings/errors": 1}
    assert spider.error_messages == [
        "workable:huggingface: record #1: unparseable_record: KeyError: 'shortcode'"
    ]


def test_an_answer_without_jobs_is_counted(make_spider, json_response, stats_of):
    spider = make_spider(WorkableSpider, account="nobody")
    response = json_response("workable/workable_1.json", url=widget_url("nobody"),
                             body=b'{"error": "Not found"}')

    assert list(spider.parse(response)) == []
    assert stats_of(spider) == {"postings/record_error/unexpected_shape": 1, "postings/errors": 1}


def test_crawl_over_http_lands_every_job(run_crawl, route_to):
    result = run_crawl(
        "sources:\n"
        '  - {kind: workable, account: huggingface, api_base: "{replay}", delay: 0}\n'
        '  - {kind: workable, account: zaelab, api_base: "{replay}", delay: 0}\n',
        [route_to("/api/v1/widget/accounts/huggingface", "workable/workable_1.json",
                  query={"details": "true"}),
         route_to("/api/v1/widget/accounts/zaelab", "workable/workable_2.json",
                  query={"details": "true"})],
    )

    huggingface = result.manifest("workable:huggingface")
    assert (huggingface["status"], huggingface["postings"], huggingface["errors"]) == (
        "succeeded", 3, 0
    )
    assert [r["source_posting_id"] for r in result.records_of("workable:huggingface")] == [
        "F4C096B22E", "19A136F8E2", "0BD8C06DB3"
    ]
    zaelab = result.manifest("workable:zaelab")
    assert (zaelab["status"], zaelab["postings"], zaelab["errors"]) == ("succeeded", 1, 0)
    assert zaelab["counters"]["postings/merged/repeated_shortcode"] == 1
    [merged] = result.records_of("workable:zaelab")
    assert (merged["company_name"], merged["location"]) == ("Zaelab", "Spain; Portugal")
    assert sorted(result.requests) == [
        "/api/v1/widget/accounts/huggingface?details=true",
        "/api/v1/widget/accounts/zaelab?details=true",
        "/robots.txt",
        "/robots.txt",
    ]
