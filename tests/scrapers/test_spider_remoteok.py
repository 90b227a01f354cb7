"""The Remote OK spider on recorded API answers (tests/fixtures/remoteok/)."""

from __future__ import annotations

import json

import pytest

from scrapers.items import JobPostingItem
from scrapers.spiders.base import dump_payload
from scrapers.spiders.remoteok import RemoteokSpider
from warehouse.replay import Route

API = "https://remoteok.com"


def parse(make_spider, json_response, fixture_file_name: str, body: bytes | None = None) -> tuple:
    spider = make_spider(RemoteokSpider)
    response = json_response(f"remoteok/{fixture_file_name}", url=f"{API}/api", body=body)
    return spider, list(spider.parse(response))


def test_first_request_asks_for_the_api(make_spider):
    spider = make_spider(RemoteokSpider)

    [request] = spider.initial_requests()

    assert spider.source_key == "remoteok:all"
    assert request.url == f"{API}/api"
    assert request.callback == spider.parse
    assert request.errback == spider.on_request_failed


@pytest.mark.parametrize(
    ("fixture_file_name", "expected_ids"),
    [
        ("remoteok_1.json", ["1134698", "1134650", "1134651", "1134648"]),
        ("remoteok_2.json", ["1135929", "1136039", "1135927", "1135924"]),
    ],
)
def test_parse_skips_and_counts_the_legal_notice(make_spider, json_response, stats_of,
                                                 fixture_file_name, expected_ids):
    spider, items = parse(make_spider, json_response, fixture_file_name)

    assert [item.source_posting_id for item in items] == expected_ids
    assert stats_of(spider) == {"postings/skipped/legal_notice": 1}


def test_parse_maps_a_job(make_spider, json_response, fixture_json):
    """The location keeps its dangling comma; salary 0/0 (unknown) stays in the payload."""
    job = fixture_json("remoteok/remoteok_1.json")[3]

    _, [_, _, item, _] = parse(make_spider, json_response, "remoteok_1.json")

    assert item == JobPostingItem(
        source_kind="remoteok",
        source_key="remoteok:all",
        source_posting_id="1134651",
        url="https://remoteOK.com/remote-jobs/remote-customer-success-manager-innergy-1134651",
        title="Customer Success Manager",
        company_name="INNERGY",
        location="Austin, Austin, Texas, United States",
        remote=None,
        department=None,
        employment_type=None,
        posted_at="2026-07-09T22:30:53+00:00",
        description=job["description"],
        description_format="html",
        payload=dump_payload(job),
    )
    assert item.description.startswith("INNERGY is transforming the woodworking industry")
    assert (job["salary_min"], job["salary_max"], job["epoch"]) == (0, 0, 1783636253)


def test_parse_keeps_the_second_recording_as_published(make_spider, json_response, fixture_json):
    """remoteok_2.json: a location with a dangling comma and a description the source itself
    mis-decoded (UTF-8 read as Latin-1: "\u00e2\u0080\u009c" for a curly quote), kept as sent."""
    job = fixture_json("remoteok/remoteok_2.json")[3]

    _, [_, _, item, _] = parse(make_spider, json_response, "remoteok_2.json")

    assert item == JobPostingItem(
        source_kind="remoteok",
        source_key="remoteok:all",
        source_posting_id="1135927",
        url="https://remoteOK.com/remote-jobs/remote-menu-bevoxe-1135927",
        title="Menu",
        company_name="Bevoxe",
        location="Ashreigney, ",
        posted_at="2026-08-02T20:31:52+00:00",
        description=job["description"],
        description_format="html",
        payload=dump_payload(job),
    )
    assert item.description.startswith(
        "As Abraham Lincoln once said, \u00e2\u0080\u009cThe best way to predict the future"
    )


def test_broken_job_is_counted_and_skipped(make_spider, json_response, fixture_json, stats_of):
    """Synthetic: a copy of remoteok_1.json whose second job has lost its ``id``."""
    document = fixture_json("remoteok/remoteok_1.json")
    del document[2]["id"]

    spider, items = parse(make_spider, json_response, "remoteok_1.json",
                          body=json.dumps(document).encode())

    assert [item.source_posting_id for item in items] == ["1134698", "1134651", "1134648"]
    assert stats_of(spider) == {"postings/skipped/legal_notice": 1,
                                "postings/record_error/unparseable_record": 1,
                                "postings/errors": 1}
    assert spider.error_messages == ["remoteok:all: record #1: unparseable_record: KeyError: 'id'"]


def test_an_object_instead_of_an_array_is_counted(make_spider, json_response, stats_of):
    spider, items = parse(make_spider, json_response, "remoteok_1.json", body=b'{"jobs": []}')

    assert items == []
    assert stats_of(spider) == {"postings/record_error/unexpected_shape": 1, "postings/errors": 1}


def test_crawl_over_http_lands_every_job(run_crawl, route_to):
    result = run_crawl(
        'sources:\n  - {kind: remoteok, api_base: "{replay}", delay: 0}\n',
        [route_to("/api", "remoteok/remoteok_1.json")],
    )

    manifest = result.manifest("remoteok:all")
    assert (manifest["status"], manifest["postings"], manifest["errors"]) == ("succeeded", 4, 0)
    assert manifest["counters"]["postings/skipped/legal_notice"] == 1
    assert result.requests == ["/robots.txt", "/api"]
    records = result.records_of("remoteok:all")
    assert [r["source_posting_id"] for r in records] == ["1134698", "1134650", "1134651",
                                                         "1134648"]
    assert records[0]["description_text"].startswith(
        "Australian English Voice Actor\nApply here:"
    )


def test_crawl_lands_the_rest_of_a_page_with_one_broken_job(run_crawl, fixture_json, tmp_path):
    """Synthetic: a copy of remoteok_1.json whose first job has lost its ``id``."""
    document = fixture_json("remoteok/remoteok_1.json")
    del document[1]["id"]
    broken = tmp_path / "remoteok_1_synthetic_missing_id.json"
    broken.write_text(json.dumps(document), encoding="utf-8")

    result = run_crawl('sources:\n  - {kind: remoteok, api_base: "{replay}", delay: 0}\n',
                       [Route(path="/api", file=broken)])

    manifest = result.manifest("remoteok:all")
    assert (manifest["status"], manifest["postings"], manifest["errors"]) == ("partial", 3, 1)
    assert "record #0: unparseable_record: KeyError: 'id'" in manifest["error_summary"]
