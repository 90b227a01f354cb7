"""The Remote OK kind (spider and parser) on recorded API answers (tests/fixtures/remoteok/)."""

from __future__ import annotations

import json

import pytest

from scrapers.items import JobPostingItem
from scrapers.kinds import parse_envelope
from scrapers.kinds.remoteok.spider import RemoteokSpider
from scrapers.parsing import PostingFields
from scrapers.spiders.base import dump_payload
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
def test_parse_skips_and_counts_the_legal_notice(
    make_spider, json_response, stats_of, fixture_file_name, expected_ids
):
    spider, items = parse(make_spider, json_response, fixture_file_name)

    assert [item.source_posting_id for item in items] == expected_ids
    assert stats_of(spider) == {"postings/skipped/legal_notice": 1}


def test_parse_yields_envelopes_with_the_job_as_sent(make_spider, json_response, fixture_json):
    job = fixture_json("remoteok/remoteok_1.json")[3]

    _, [_, _, item, _] = parse(make_spider, json_response, "remoteok_1.json")

    assert item == JobPostingItem(
        source_kind="remoteok",
        source_key="remoteok:all",
        source_posting_id="1134651",
        url=f"{API}/api",
        payload=dump_payload(job),
        payload_format="json",
        source_context={},
    )
    assert json.loads(item.payload) == job


def job_fields(fixture_json, fixture_file_name: str, position: int) -> PostingFields:
    job = fixture_json(f"remoteok/{fixture_file_name}")[position]
    return parse_envelope(
        {
            "source_kind": "remoteok",
            "source_key": "remoteok:all",
            "source_posting_id": str(job["id"]),
            "url": f"{API}/api",
            "payload": dump_payload(job),
            "source_context": {},
        }
    )


def test_parser_maps_a_job(fixture_json):
    """Every job of the board is remote; salary 0/0 means not published."""
    job = fixture_json("remoteok/remoteok_1.json")[3]

    fields = job_fields(fixture_json, "remoteok_1.json", 3)

    assert fields == PostingFields(
        title="Customer Success Manager",
        company_name="INNERGY",
        location="Austin, Austin, Texas, United States",
        remote="remote",
        posted_at="2026-07-09T22:30:53+00:00",
        url="https://remoteOK.com/remote-jobs/remote-customer-success-manager-innergy-1134651",
        apply_url=job["apply_url"],
        description_format="html",
        description_text=fields.description_text,
    )
    assert fields.description_text.startswith("INNERGY is transforming the woodworking industry")
    assert "<" not in fields.description_text
    assert (job["salary_min"], job["salary_max"], job["epoch"]) == (0, 0, 1783636253)


def test_parser_keeps_the_second_recording_as_published(fixture_json):
    """remoteok_2.json: a location with a dangling comma (trimmed) and a description the source
    itself mis-decoded (UTF-8 read as Latin-1: "\u00e2\u0080\u009c" for a curly quote), kept as
    sent."""
    fields = job_fields(fixture_json, "remoteok_2.json", 3)

    assert (fields.title, fields.company_name, fields.location, fields.posted_at, fields.url) == (
        "Menu",
        "Bevoxe",
        "Ashreigney,",
        "2026-08-02T20:31:52+00:00",
        "https://remoteOK.com/remote-jobs/remote-menu-bevoxe-1135927",
    )
    assert fields.description_text.startswith(
        "As Abraham Lincoln once said, \u00e2\u0080\u009cThe best way to predict the future"
    )


def test_parser_reads_a_published_salary_as_us_dollars_a_year(fixture_json):
    """The salary bounds as published, in USD a year; a bound of 0 is not published."""
    for fixture_file_name in ("remoteok_1.json", "remoteok_2.json"):
        document = fixture_json(f"remoteok/{fixture_file_name}")
        for position, job in enumerate(document[1:], start=1):
            fields = job_fields(fixture_json, fixture_file_name, position)
            published = [
                bound
                for bound in (job.get("salary_min"), job.get("salary_max"))
                if bound not in (None, 0, "", "0")
            ]
            if published:
                assert (fields.salary_currency, fields.salary_interval) == ("USD", "year")
                assert [b for b in (fields.salary_min, fields.salary_max) if b] == [
                    str(b) for b in published
                ]
            else:
                assert (
                    fields.salary_currency,
                    fields.salary_min,
                    fields.salary_max,
                    fields.salary_interval,
                ) == (None, None, None, None)


def test_parser_reads_salary_bounds_and_falls_back_to_epoch():
    """Synthetic: a job with a published range and no ``date``."""
    fields = parse_envelope(
        {
            "source_kind": "remoteok",
            "source_key": "remoteok:all",
            "source_posting_id": "1",
            "payload": json.dumps(
                {
                    "id": "1",
                    "position": "ML Engineer",
                    "epoch": 1783636253,
                    "salary_min": 80000,
                    "salary_max": 0,
                }
            ),
        }
    )

    assert (
        fields.posted_at,
        fields.salary_currency,
        fields.salary_min,
        fields.salary_max,
        fields.salary_interval,
    ) == ("1783636253", "USD", "80000", None, "year")


def test_broken_job_is_counted_and_skipped(make_spider, json_response, fixture_json, stats_of):
    """Synthetic: a copy of remoteok_1.json whose second job has lost its ``id``."""
    document = fixture_json("remoteok/remoteok_1.json")
    del document[2]["id"]

    spider, items = parse(
        make_spider, json_response, "remoteok_1.json", body=json.dumps(document).encode()
    )

    assert [item.source_posting_id for item in items] == ["1134698", "1134651", "1134648"]
    assert stats_of(spider) == {
        "postings/skipped/legal_notice": 1,
        "postings/record_error/unparseable_record": 1,
        "postings/errors": 1,
    }
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
    assert [r["source_posting_id"] for r in records] == ["1134698", "1134650", "1134651", "1134648"]
    assert parse_envelope(records[0]).description_text.startswith(
        "Australian English Voice Actor\nApply here:"
    )


def test_crawl_lands_the_rest_of_a_page_with_one_broken_job(run_crawl, fixture_json, tmp_path):
    """Synthetic: a copy of remoteok_1.json whose first job has lost its ``id``."""
    document = fixture_json("remoteok/remoteok_1.json")
    del document[1]["id"]
    broken = tmp_path / "remoteok_1_synthetic_missing_id.json"
    broken.write_text(json.dumps(document), encoding="utf-8")

    result = run_crawl(
        'sources:\n  - {kind: remoteok, api_base: "{replay}", delay: 0}\n',
        [Route(path="/api", file=broken)],
    )

    manifest = result.manifest("remoteok:all")
    assert (manifest["status"], manifest["postings"], manifest["errors"]) == ("partial", 3, 1)
    assert "record #0: unparseable_record: KeyError: 'id'" in manifest["error_summary"]
