"""The Lever spider on recorded Postings API answers (tests/fixtures/lever/)."""

from __future__ import annotations

import json

import pytest
from scrapy import Request

from scrapers.items import JobPostingItem
from scrapers.spiders import lever
from scrapers.spiders.base import dump_payload
from scrapers.spiders.lever import LeverSpider

API = "https://api.lever.co"


def page_url(site: str, skip: int = 0) -> str:
    return f"{API}/v0/postings/{site}?mode=json&skip={skip}&limit=250"


def lever_description(posting: dict) -> str:
    """The description the spider publishes: body, then each list as a heading and items."""
    lists = "".join(f"<h3>{block['text']}</h3><ul>{block['content']}</ul>"
                    for block in posting["lists"])
    return posting["description"] + lists + posting["additional"]


def test_first_request_asks_for_the_first_page(make_spider):
    spider = make_spider(LeverSpider, site="spotify")

    [request] = spider.initial_requests()

    assert request.url == page_url("spotify")
    assert request.callback == spider.parse
    assert request.cb_kwargs == {"skip": 0}


@pytest.mark.parametrize(
    ("fixture_file_name", "site", "expected_count"),
    [("lever_1.json", "spotify", 4), ("lever_2.json", "palantir", 2),
     ("lever_3.json", "leverdemo", 6), ("lever_4.json", "idealistconsulting", 2)],
)
def test_parse_yields_every_posting_and_stops_on_a_short_page(
        make_spider, json_response, fixture_json, stats_of, fixture_file_name, site,
        expected_count):
    spider = make_spider(LeverSpider, site=site)
    postings = fixture_json(f"lever/{fixture_file_name}")

    items = list(spider.parse(json_response(f"lever/{fixture_file_name}", url=page_url(site))))

    assert len(items) == expected_count
    assert [item.source_posting_id for item in items] == [posting["id"] for posting in postings]
    assert all(isinstance(item, JobPostingItem) for item in items)  # no next-page request
    assert stats_of(spider) == {}


def test_parse_maps_a_remote_posting(make_spider, json_response, fixture_json):
    [posting, *_] = fixture_json("lever/lever_1.json")
    spider = make_spider(LeverSpider, site="spotify")

    [item, *_] = spider.parse(json_response("lever/lever_1.json", url=page_url("spotify")))

    assert item == JobPostingItem(
        source_kind="lever",
        source_key="lever:spotify",
        source_posting_id="b4ad9572-e20f-4185-a284-99d9740d04f0",
        url="https://jobs.lever.co/spotify/b4ad9572-e20f-4185-a284-99d9740d04f0",
        title="Android Engineer I - Subscriptions",
        company_name="spotify",
        location="London",
        remote="remote",
        department="Engineering",
        employment_type="Permanent",
        posted_at="1782821535482",
        description=lever_description(posting),
        payload=dump_payload(posting),
    )
    assert item.description.startswith("<p>The Subscriptions R&amp;D team oversees")
    assert "<h3>What You'll Do</h3><ul><div>" in item.description


def test_parse_falls_back_to_the_team_without_a_department(make_spider, json_response,
                                                           fixture_json):
    [posting, *_] = fixture_json("lever/lever_2.json")
    spider = make_spider(LeverSpider, site="palantir", company="Palantir")

    [item, *_] = spider.parse(json_response("lever/lever_2.json", url=page_url("palantir")))

    assert item == JobPostingItem(
        source_kind="lever",
        source_key="lever:palantir",
        source_posting_id="ac978161-6f46-4f6b-ad9e-a258e642751c",
        url="https://jobs.lever.co/palantir/ac978161-6f46-4f6b-ad9e-a258e642751c",
        title="Administrative Business Partner",
        company_name="Palantir",
        location="London, United Kingdom",
        remote="hybrid",
        department="Administrative",
        employment_type="Full-time",
        posted_at="1711403416463",
        description=lever_description(posting),
        payload=dump_payload(posting),
    )


def test_parse_maps_the_lever_demo_site(make_spider, json_response, fixture_json):
    [posting, *_] = fixture_json("lever/lever_3.json")
    spider = make_spider(LeverSpider, site="leverdemo")

    [item, *_] = spider.parse(json_response("lever/lever_3.json", url=page_url("leverdemo")))

    assert item == JobPostingItem(
        source_kind="lever",
        source_key="lever:leverdemo",
        source_posting_id="33538a2f-d27d-4a96-8f05-fa4b0e4d940e",
        url="https://jobs.lever.co/leverdemo/33538a2f-d27d-4a96-8f05-fa4b0e4d940e",
        title="AbelsonTaylor Writer",
        company_name="leverdemo",
        location="Arlington, TX",
        remote="hybrid",
        department="Customer Success",
        employment_type="Regular Full Time (Salary)",
        posted_at="1553186035299",
        description=lever_description(posting),
        payload=dump_payload(posting),
    )


def test_parse_maps_a_contract_posting(make_spider, json_response, fixture_json):
    [posting, *_] = fixture_json("lever/lever_4.json")
    spider = make_spider(LeverSpider, site="idealistconsulting")

    [item, *_] = spider.parse(
        json_response("lever/lever_4.json", url=page_url("idealistconsulting"))
    )

    assert item == JobPostingItem(
        source_kind="lever",
        source_key="lever:idealistconsulting",
        source_posting_id="a24ec4e5-5caa-473d-abd4-b71f09a8167b",
        url="https://jobs.lever.co/idealistconsulting/a24ec4e5-5caa-473d-abd4-b71f09a8167b",
        title="(1099 Contract) Nonprofit Salesforce Consultant: Enterprise Project Manager",
        company_name="idealistconsulting",
        location="Chicago, IL",
        remote="remote",
        department="Services Team",
        employment_type="Contract",
        posted_at="1764205361939",
        description=lever_description(posting),
        payload=dump_payload(posting),
    )


def test_a_full_page_asks_for_the_next_one(make_spider, json_response, monkeypatch):
    """With a page size of 2, palantir's two postings fill a page, so the spider reads on."""
    monkeypatch.setattr(lever, "PAGE_SIZE", 2)
    spider = make_spider(LeverSpider, site="palantir")

    *items, next_page = spider.parse(
        json_response("lever/lever_2.json", url=page_url("palantir")), skip=0
    )

    assert len(items) == 2
    assert isinstance(next_page, Request)
    assert next_page.url == f"{API}/v0/postings/palantir?mode=json&skip=2&limit=2"
    assert next_page.cb_kwargs == {"skip": 2}


def test_broken_posting_is_counted_and_skipped(make_spider, json_response, fixture_json,
                                               stats_of):
    """Synthetic: a copy of lever_3.json whose first posting has lost its ``id``."""
    postings = fixture_json("lever/lever_3.json")
    del postings[0]["id"]
    spider = make_spider(LeverSpider, site="leverdemo")
    response = json_response("lever/lever_3.json", url=page_url("leverdemo"),
                             body=json.dumps(postings).encode())

    items = list(spider.parse(response))

    assert [item.source_posting_id for item in items] == [p["id"] for p in postings[1:]]
    assert stats_of(spider) == {"postings/record_error/unparseable_record": 1, "postings/errors": 1}


def test_an_object_instead_of_an_array_is_counted(make_spider, json_response, stats_of):
    spider = make_spider(LeverSpider, site="leverdemo")
    response = json_response("lever/lever_3.json", url=page_url("leverdemo"),
                             body=b'{"ok": false, "error": "Document not found"}')

    assert list(spider.parse(response)) == []
    assert stats_of(spider) == {"postings/record_error/unexpected_shape": 1, "postings/errors": 1}


def test_crawl_over_http_lands_every_posting(run_crawl, route_to):
    result = run_crawl(
        'sources:\n  - {kind: lever, site: leverdemo, api_base: "{replay}", delay: 0}\n',
        [route_to("/v0/postings/leverdemo", "lever/lever_3.json", query={"mode": "json"})],
    )

    manifest = result.manifest("lever:leverdemo")
    assert (manifest["status"], manifest["postings"], manifest["errors"]) == ("succeeded", 6, 0)
    assert result.requests == ["/robots.txt", "/v0/postings/leverdemo?mode=json&skip=0&limit=250"]
    first = result.records[0]
    assert (first["source_posting_id"], first["title"], first["location"]) == (
        "33538a2f-d27d-4a96-8f05-fa4b0e4d940e", "AbelsonTaylor Writer", "Arlington, TX"
    )
    assert first["description_text"].startswith("Welcome to the Demo Job Listing for Lever!")
