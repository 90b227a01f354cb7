"""The Ashby spider and parser on recorded Posting API answers (tests/fixtures/ashby/)."""

from __future__ import annotations

import json

import pytest

from scrapers.items import JobPostingItem
from scrapers.kinds import parse_envelope
from scrapers.kinds.ashby.spider import AshbySpider
from scrapers.normalize import description_text
from scrapers.parsing import PostingFields
from scrapers.spiders.base import dump_payload

API = "https://api.ashbyhq.com"


def board_url(board: str) -> str:
    return f"{API}/posting-api/job-board/{board}?includeCompensation=true"


def test_first_request_asks_for_the_board_with_compensation(make_spider):
    spider = make_spider(AshbySpider, board="ramp")

    [request] = spider.initial_requests()

    assert request.url == board_url("ramp")
    assert request.callback == spider.parse


@pytest.mark.parametrize(
    ("fixture_file_name", "board", "expected_count"),
    [
        ("ashby_1.json", "ramp", 4),
        ("ashby_2.json", "openevidence", 2),
        ("ashby_4.json", "HighlightTA", 2),
        ("ashby_5.json", "truelogic", 3),
    ],
)
def test_parse_yields_every_listed_job(
    make_spider, json_response, fixture_json, stats_of, fixture_file_name, board, expected_count
):
    spider = make_spider(AshbySpider, board=board)
    jobs = fixture_json(f"ashby/{fixture_file_name}")["jobs"]

    items = list(spider.parse(json_response(f"ashby/{fixture_file_name}", url=board_url(board))))

    assert len(items) == expected_count
    assert [item.source_posting_id for item in items] == [job["id"] for job in jobs]
    assert stats_of(spider) == {}


def test_parse_yields_envelopes_with_the_job_as_sent(make_spider, json_response, fixture_json):
    [job, *_] = fixture_json("ashby/ashby_1.json")["jobs"]
    spider = make_spider(AshbySpider, board="ramp", company="Ramp")

    [item, *_] = spider.parse(json_response("ashby/ashby_1.json", url=board_url("ramp")))

    assert item == JobPostingItem(
        source_kind="ashby",
        source_key="ashby:ramp",
        source_posting_id="03e2d4e1-73ad-4f09-a058-2eb9ce34c2bc",
        url=board_url("ramp"),
        payload=dump_payload(job),
        payload_format="json",
        source_context={"company": "Ramp"},
    )
    assert json.loads(item.payload) == job


def job_fields(
    fixture_json, fixture_file_name: str, board: str, position: int = 0, **context: str
) -> PostingFields:
    job = fixture_json(f"ashby/{fixture_file_name}")["jobs"][position]
    return parse_envelope(
        {
            "source_kind": "ashby",
            "source_key": f"ashby:{board}",
            "source_posting_id": job["id"],
            "url": board_url(board),
            "payload": dump_payload(job),
            "source_context": context,
        }
    )


def test_parser_maps_a_remote_job_with_compensation(fixture_json):
    [job, *_] = fixture_json("ashby/ashby_1.json")["jobs"]

    fields = job_fields(fixture_json, "ashby_1.json", "ramp", company="Ramp")

    assert fields == PostingFields(
        title="Technical Consultant, Mid-Market",
        company_name="Ramp",
        location="Remote (US)",
        country="United States",
        remote="Remote",
        department="Sales",
        employment_type="FullTime",
        posted_at="2026-07-07T20:47:09.753+00:00",
        url="https://jobs.ashbyhq.com/ramp/03e2d4e1-73ad-4f09-a058-2eb9ce34c2bc",
        apply_url="https://jobs.ashbyhq.com/ramp/03e2d4e1-73ad-4f09-a058-2eb9ce34c2bc/application",
        salary_currency="USD",
        salary_min="151000",
        salary_max="231000",
        salary_interval="1 YEAR",
        salary_text="$151K - $231K",
        description_format="html",
        description_text=description_text(job["descriptionHtml"], "html"),
    )
    assert fields.description_text
    assert "<" not in fields.description_text


def test_parser_reads_the_salary_component_not_the_equity_one():
    """Synthetic: the compensation summary of the old staging test (equity listed first)."""
    payload = (
        '{"address":{"postalAddress":{"addressCountry":"Canada"}},"compensation":'
        '{"summaryComponents":[{"compensationType":"EquityCashValue","minValue":null,'
        '"maxValue":null,"interval":"1 YEAR"},{"minValue":151000,"maxValue":231000,'
        '"currencyCode":"USD","interval":"1 YEAR","compensationType":"Salary"}]}}'
    )
    envelope = {"source_kind": "ashby", "source_key": "ashby:ramp", "source_posting_id": "a"}

    fields = parse_envelope({**envelope, "payload": payload})
    empty = parse_envelope({**envelope, "payload": '{"compensation":{"summaryComponents":[]}}'})

    assert (
        fields.country,
        fields.salary_currency,
        fields.salary_min,
        fields.salary_max,
        fields.salary_interval,
    ) == ("Canada", "USD", "151000", "231000", "1 YEAR")
    assert (
        empty.country,
        empty.salary_currency,
        empty.salary_min,
        empty.salary_max,
        empty.salary_interval,
    ) == (None, None, None, None, None)


def test_parser_maps_an_onsite_job(fixture_json):
    fields = job_fields(fixture_json, "ashby_2.json", "openevidence")

    assert (
        fields.title,
        fields.company_name,
        fields.location,
        fields.remote,
        fields.department,
        fields.employment_type,
        fields.posted_at,
        fields.url,
    ) == (
        "Member of Technical Staff",
        "openevidence",
        "San Francisco",
        "OnSite",
        "Engineering",
        "FullTime",
        "2026-01-22T21:44:44.930+00:00",
        "https://jobs.ashbyhq.com/openevidence/4c577aae-1ad0-444b-9e15-2ad994333de4",
    )


def test_parser_prefers_workplace_type_over_is_remote(fixture_json):
    """HighlightTA's Toronto job says ``isRemote: true`` but ``workplaceType: Hybrid``."""
    job = fixture_json("ashby/ashby_4.json")["jobs"][1]

    fields = job_fields(fixture_json, "ashby_4.json", "HighlightTA", position=1)

    assert (job["isRemote"], job["workplaceType"]) == (True, "Hybrid")
    assert (
        fields.title,
        fields.company_name,
        fields.location,
        fields.remote,
        fields.department,
        fields.posted_at,
    ) == (
        "Senior Site Reliability Engineer",
        "HighlightTA",
        "Toronto, Ontario",
        "Hybrid",
        "HighlightTA Confidential",
        "2026-07-08T19:48:19.767+00:00",
    )


def test_parser_falls_back_to_is_remote_without_a_workplace_type(fixture_json):
    """Synthetic: ashby_4.json's Toronto job without ``workplaceType``."""
    job = fixture_json("ashby/ashby_4.json")["jobs"][1]
    del job["workplaceType"]
    envelope = {
        "source_kind": "ashby",
        "source_key": "ashby:HighlightTA",
        "source_posting_id": job["id"],
    }

    assert parse_envelope({**envelope, "payload": dump_payload(job)}).remote == "Remote"
    job["isRemote"] = False
    assert parse_envelope({**envelope, "payload": dump_payload(job)}).remote is None


def test_parser_maps_a_board_without_api_version(fixture_json):
    fields = job_fields(fixture_json, "ashby_5.json", "truelogic")

    assert (
        fields.title,
        fields.company_name,
        fields.location,
        fields.remote,
        fields.department,
        fields.employment_type,
        fields.posted_at,
    ) == (
        "Senior Front-end Engineer - Open Application",
        "truelogic",
        "LatAm",
        "Remote",
        "Pipeline",
        "FullTime",
        "2025-01-15T10:36:04.937+00:00",
    )


def test_parser_reads_a_plain_description_when_there_is_no_html(fixture_json):
    """Synthetic: ashby_5.json's first job without ``descriptionHtml``."""
    job = fixture_json("ashby/ashby_5.json")["jobs"][0]
    del job["descriptionHtml"]
    fields = parse_envelope(
        {
            "source_kind": "ashby",
            "source_key": "ashby:truelogic",
            "source_posting_id": job["id"],
            "payload": dump_payload(job),
        }
    )

    assert fields.description_format == "text"
    assert fields.description_text == description_text(job["descriptionPlain"], "text")


def test_unlisted_and_broken_jobs_are_counted(make_spider, json_response, fixture_json, stats_of):
    """Synthetic: a copy of ashby_1.json with one job unlisted and one without its ``id``."""
    document = fixture_json("ashby/ashby_1.json")
    document["jobs"][1]["isListed"] = False
    del document["jobs"][2]["id"]
    spider = make_spider(AshbySpider, board="ramp")
    response = json_response(
        "ashby/ashby_1.json", url=board_url("ramp"), body=json.dumps(document).encode()
    )

    items = list(spider.parse(response))

    assert [item.source_posting_id for item in items] == [
        "03e2d4e1-73ad-4f09-a058-2eb9ce34c2bc",
        "7a6ad0e2-8249-476e-a173-2b1a6bd7766b",
    ]
    assert stats_of(spider) == {
        "postings/skipped/unlisted": 1,
        "postings/record_error/unparseable_record": 1,
        "postings/errors": 1,
    }


def test_crawl_over_http_lands_every_job(run_crawl, route_to):
    result = run_crawl(
        'sources:\n  - {kind: ashby, board: truelogic, api_base: "{replay}", delay: 0}\n',
        [route_to("/posting-api/job-board/truelogic", "ashby/ashby_5.json")],
    )

    manifest = result.manifest("ashby:truelogic")
    assert (manifest["status"], manifest["postings"], manifest["errors"]) == ("succeeded", 3, 0)
    assert [r["source_posting_id"] for r in result.records] == [
        "09bb501c-e72d-4c9e-8df3-212ac53e69d9",
        "3af5b1b2-d873-4809-95a7-663784c9315e",
        "df72bf39-0baf-4a6e-b1a5-c4e4a3599124",
    ]
    assert "title" not in result.records[0]  # nothing parsed at crawl
    assert parse_envelope(result.records[1]).title == (
        "Senior Back-end Engineer \u2013 Open Application"
    )
    assert parse_envelope(result.records[0]).description_text.startswith("About Truelogic")
