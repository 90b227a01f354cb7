"""The Ashby spider on recorded Posting API answers (tests/fixtures/ashby/)."""

from __future__ import annotations

import json

import pytest

from scrapers.items import JobPostingItem
from scrapers.spiders.ashby import AshbySpider
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
    [("ashby_1.json", "ramp", 4), ("ashby_2.json", "openevidence", 2),
     ("ashby_4.json", "HighlightTA", 2), ("ashby_5.json", "truelogic", 3)],
)
def test_parse_yields_every_listed_job(make_spider, json_response, fixture_json, stats_of,
                                       fixture_file_name, board, expected_count):
    spider = make_spider(AshbySpider, board=board)
    jobs = fixture_json(f"ashby/{fixture_file_name}")["jobs"]

    items = list(spider.parse(json_response(f"ashby/{fixture_file_name}", url=board_url(board))))

    assert len(items) == expected_count
    assert [item.source_posting_id for item in items] == [job["id"] for job in jobs]
    assert stats_of(spider) == {}


def test_parse_maps_a_remote_job_with_compensation(make_spider, json_response, fixture_json):
    [job, *_] = fixture_json("ashby/ashby_1.json")["jobs"]
    spider = make_spider(AshbySpider, board="ramp", company="Ramp")

    [item, *_] = spider.parse(json_response("ashby/ashby_1.json", url=board_url("ramp")))

    assert item == JobPostingItem(
        source_kind="ashby",
        source_key="ashby:ramp",
        source_posting_id="03e2d4e1-73ad-4f09-a058-2eb9ce34c2bc",
        url="https://jobs.ashbyhq.com/ramp/03e2d4e1-73ad-4f09-a058-2eb9ce34c2bc",
        title="Technical Consultant, Mid-Market",
        company_name="Ramp",
        location="Remote (US)",
        remote="Remote",
        department="Sales",
        employment_type="FullTime",
        posted_at="2026-07-07T20:47:09.753+00:00",
        description=job["descriptionHtml"],
        payload=dump_payload(job),
    )
    assert json.loads(item.payload)["compensation"]["scrapeableCompensationSalarySummary"] == (
        "$151K - $231K"
    )


def test_parse_maps_an_onsite_job(make_spider, json_response, fixture_json):
    [job, *_] = fixture_json("ashby/ashby_2.json")["jobs"]
    spider = make_spider(AshbySpider, board="openevidence")

    [item, *_] = spider.parse(json_response("ashby/ashby_2.json", url=board_url("openevidence")))

    assert item == JobPostingItem(
        source_kind="ashby",
        source_key="ashby:openevidence",
        source_posting_id="4c577aae-1ad0-444b-9e15-2ad994333de4",
        url="https://jobs.ashbyhq.com/openevidence/4c577aae-1ad0-444b-9e15-2ad994333de4",
        title="Member of Technical Staff",
        company_name="openevidence",
        location="San Francisco",
        remote="OnSite",
        department="Engineering",
        employment_type="FullTime",
        posted_at="2026-01-22T21:44:44.930+00:00",
        description=job["descriptionHtml"],
        payload=dump_payload(job),
    )


def test_parse_prefers_workplace_type_over_is_remote(make_spider, json_response, fixture_json):
    """HighlightTA's Toronto job says ``isRemote: true`` but ``workplaceType: Hybrid``."""
    job = fixture_json("ashby/ashby_4.json")["jobs"][1]
    spider = make_spider(AshbySpider, board="HighlightTA")

    [_, item] = spider.parse(json_response("ashby/ashby_4.json", url=board_url("HighlightTA")))

    assert (job["isRemote"], job["workplaceType"]) == (True, "Hybrid")
    assert item == JobPostingItem(
        source_kind="ashby",
        source_key="ashby:HighlightTA",
        source_posting_id="fc2f1f85-46a0-4a31-b165-683e39c07c04",
        url="https://jobs.ashbyhq.com/HighlightTA/fc2f1f85-46a0-4a31-b165-683e39c07c04",
        title="Senior Site Reliability Engineer ",
        company_name="HighlightTA",
        location="Toronto, Ontario",
        remote="Hybrid",
        department="HighlightTA Confidential",
        employment_type="FullTime",
        posted_at="2026-07-08T19:48:19.767+00:00",
        description=job["descriptionHtml"],
        payload=dump_payload(job),
    )


def test_parse_maps_a_board_without_api_version(make_spider, json_response, fixture_json):
    [job, *_] = fixture_json("ashby/ashby_5.json")["jobs"]
    spider = make_spider(AshbySpider, board="truelogic")

    [item, *_] = spider.parse(json_response("ashby/ashby_5.json", url=board_url("truelogic")))

    assert item == JobPostingItem(
        source_kind="ashby",
        source_key="ashby:truelogic",
        source_posting_id="09bb501c-e72d-4c9e-8df3-212ac53e69d9",
        url="https://jobs.ashbyhq.com/truelogic/09bb501c-e72d-4c9e-8df3-212ac53e69d9",
        title="Senior Front-end Engineer - Open Application",
        company_name="truelogic",
        location="LatAm",
        remote="Remote",
        department="Pipeline",
        employment_type="FullTime",
        posted_at="2025-01-15T10:36:04.937+00:00",
        description=job["descriptionHtml"],
        payload=dump_payload(job),
    )


def test_unlisted_and_broken_jobs_are_counted(make_spider, json_response, fixture_json,
                                              stats_of):
    """Synthetic: a copy of ashby_1.json with one job unlisted and one without its ``id``."""
    document = fixture_json("ashby/ashby_1.json")
    document["jobs"][1]["isListed"] = False
    del document["jobs"][2]["id"]
    spider = make_spider(AshbySpider, board="ramp")
    response = json_response("ashby/ashby_1.json", url=board_url("ramp"),
                             body=json.dumps(document).encode())

    items = list(spider.parse(response))

    assert [item.source_posting_id for item in items] == [
        "03e2d4e1-73ad-4f09-a058-2eb9ce34c2bc", "7a6ad0e2-8249-476e-a173-2b1a6bd7766b"
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
        "09bb501c-e72d-4c9e-8df3-212ac53e69d9", "3af5b1b2-d873-4809-95a7-663784c9315e",
        "df72bf39-0baf-4a6e-b1a5-c4e4a3599124",
    ]
    assert result.records[1]["title"] == "Senior Back-end Engineer \u2013 Open Application"
    assert result.records[0]["description_text"].startswith("About Truelogic")
