"""The Lever spider and parser on recorded Postings API answers (tests/fixtures/lever/)."""

from __future__ import annotations

import json

import pytest
from scrapy import Request

from scrapers.items import JobPostingItem
from scrapers.kinds import parse_envelope
from scrapers.kinds.lever import spider as lever
from scrapers.kinds.lever.spider import LeverSpider
from scrapers.normalize import description_text
from scrapers.parsing import PostingFields
from scrapers.spiders.base import dump_payload

API = "https://api.lever.co"


def page_url(site: str, skip: int = 0) -> str:
    return f"{API}/v0/postings/{site}?mode=json&skip={skip}&limit=250"


def lever_description(posting: dict) -> str:
    """The description the spider publishes: body, then each list as a heading and items."""
    lists = "".join(
        f"<h3>{block['text']}</h3><ul>{block['content']}</ul>" for block in posting["lists"]
    )
    return posting["description"] + lists + posting["additional"]


def test_first_request_asks_for_the_first_page(make_spider):
    spider = make_spider(LeverSpider, site="spotify")

    [request] = spider.initial_requests()

    assert request.url == page_url("spotify")
    assert request.callback == spider.parse
    assert request.cb_kwargs == {"skip": 0}


@pytest.mark.parametrize(
    ("fixture_file_name", "site", "expected_count"),
    [
        ("lever_1.json", "spotify", 4),
        ("lever_2.json", "palantir", 2),
        ("lever_3.json", "leverdemo", 6),
        ("lever_4.json", "idealistconsulting", 2),
    ],
)
def test_parse_yields_every_posting_and_stops_on_a_short_page(
    make_spider, json_response, fixture_json, stats_of, fixture_file_name, site, expected_count
):
    spider = make_spider(LeverSpider, site=site)
    postings = fixture_json(f"lever/{fixture_file_name}")

    items = list(spider.parse(json_response(f"lever/{fixture_file_name}", url=page_url(site))))

    assert len(items) == expected_count
    assert [item.source_posting_id for item in items] == [posting["id"] for posting in postings]
    assert all(isinstance(item, JobPostingItem) for item in items)  # no next-page request
    assert stats_of(spider) == {}


def test_parse_yields_envelopes_with_the_posting_as_sent(make_spider, json_response, fixture_json):
    [posting, *_] = fixture_json("lever/lever_1.json")
    spider = make_spider(LeverSpider, site="spotify", company="Spotify")

    [item, *_] = spider.parse(json_response("lever/lever_1.json", url=page_url("spotify")))

    assert item == JobPostingItem(
        source_kind="lever",
        source_key="lever:spotify",
        source_posting_id="b4ad9572-e20f-4185-a284-99d9740d04f0",
        url=page_url("spotify"),
        payload=dump_payload(posting),
        payload_format="json",
        source_context={"company": "Spotify"},
    )
    assert json.loads(item.payload) == posting


def posting_fields(
    fixture_json, fixture_file_name: str, site: str, position: int = 0, **context: str
) -> PostingFields:
    posting = fixture_json(f"lever/{fixture_file_name}")[position]
    return parse_envelope(
        {
            "source_kind": "lever",
            "source_key": f"lever:{site}",
            "source_posting_id": posting["id"],
            "url": page_url(site),
            "payload": dump_payload(posting),
            "source_context": context,
        }
    )


def test_parser_maps_a_remote_posting(fixture_json):
    [posting, *_] = fixture_json("lever/lever_1.json")

    fields = posting_fields(fixture_json, "lever_1.json", "spotify")

    assert fields == PostingFields(
        title="Android Engineer I - Subscriptions",
        company_name="spotify",
        location="London",
        country="GB",
        remote="remote",
        department="Engineering",
        employment_type="Permanent",
        posted_at="1782821535482",
        url="https://jobs.lever.co/spotify/b4ad9572-e20f-4185-a284-99d9740d04f0",
        apply_url="https://jobs.lever.co/spotify/b4ad9572-e20f-4185-a284-99d9740d04f0/apply",
        description_format="html",
        description_text=description_text(lever_description(posting), "html"),
    )
    assert fields.description_text.startswith("The Subscriptions R&D team oversees")
    assert "What You'll Do" in fields.description_text
    assert "<" not in fields.description_text


def test_parser_falls_back_to_the_team_without_a_department(fixture_json):
    fields = posting_fields(fixture_json, "lever_2.json", "palantir", company="Palantir")

    assert (
        fields.title,
        fields.company_name,
        fields.location,
        fields.country,
        fields.remote,
        fields.department,
        fields.employment_type,
        fields.posted_at,
        fields.url,
    ) == (
        "Administrative Business Partner",
        "Palantir",
        "London, United Kingdom",
        "GB",
        "hybrid",
        "Administrative",
        "Full-time",
        "1711403416463",
        "https://jobs.lever.co/palantir/ac978161-6f46-4f6b-ad9e-a258e642751c",
    )


def test_parser_maps_the_lever_demo_site(fixture_json):
    fields = posting_fields(fixture_json, "lever_3.json", "leverdemo")

    assert (
        fields.title,
        fields.company_name,
        fields.location,
        fields.country,
        fields.remote,
        fields.department,
        fields.employment_type,
        fields.posted_at,
        fields.url,
    ) == (
        "AbelsonTaylor Writer",
        "leverdemo",
        "Arlington, TX",
        "US",
        "hybrid",
        "Customer Success",
        "Regular Full Time (Salary)",
        "1553186035299",
        "https://jobs.lever.co/leverdemo/33538a2f-d27d-4a96-8f05-fa4b0e4d940e",
    )
    assert fields.description_text.startswith("Welcome to the Demo Job Listing for Lever!")


def test_parser_maps_a_contract_posting(fixture_json):
    fields = posting_fields(fixture_json, "lever_4.json", "idealistconsulting")

    assert (
        fields.title,
        fields.location,
        fields.remote,
        fields.department,
        fields.employment_type,
        fields.posted_at,
    ) == (
        "(1099 Contract) Nonprofit Salesforce Consultant: Enterprise Project Manager",
        "Chicago, IL",
        "remote",
        "Services Team",
        "Contract",
        "1764205361939",
    )


def test_parser_reads_the_salary_range(fixture_json):
    """Synthetic: lever_3.json's first posting with the ``salaryRange`` the API documents."""
    [posting, *_] = fixture_json("lever/lever_3.json")
    posting["salaryRange"] = {
        "min": 50000,
        "max": 70000,
        "currency": "USD",
        "interval": "per-year-salary",
    }
    fields = parse_envelope(
        {
            "source_kind": "lever",
            "source_key": "lever:leverdemo",
            "source_posting_id": posting["id"],
            "payload": dump_payload(posting),
        }
    )

    assert (
        fields.salary_currency,
        fields.salary_min,
        fields.salary_max,
        fields.salary_interval,
    ) == ("USD", "50000", "70000", "per-year-salary")


def test_parser_leaves_what_a_posting_does_not_say_empty():
    """Synthetic: a posting object with an id and a title only."""
    fields = parse_envelope(
        {
            "source_kind": "lever",
            "source_key": "lever:acme",
            "source_posting_id": "b",
            "payload": '{"id":"b","text":"Solutions Engineer"}',
        }
    )

    assert fields == PostingFields(title="Solutions Engineer", company_name="acme")


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


def test_broken_posting_is_counted_and_skipped(make_spider, json_response, fixture_json, stats_of):
    """Synthetic: a copy of lever_3.json whose first posting has lost its ``id``."""
    postings = fixture_json("lever/lever_3.json")
    del postings[0]["id"]
    spider = make_spider(LeverSpider, site="leverdemo")
    response = json_response(
        "lever/lever_3.json", url=page_url("leverdemo"), body=json.dumps(postings).encode()
    )

    items = list(spider.parse(response))

    assert [item.source_posting_id for item in items] == [p["id"] for p in postings[1:]]
    assert stats_of(spider) == {"postings/record_error/unparseable_record": 1, "postings/errors": 1}


def test_an_object_instead_of_an_array_is_counted(make_spider, json_response, stats_of):
    spider = make_spider(LeverSpider, site="leverdemo")
    response = json_response(
        "lever/lever_3.json",
        url=page_url("leverdemo"),
        body=b'{"ok": false, "error": "Document not found"}',
    )

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
    assert first["source_posting_id"] == "33538a2f-d27d-4a96-8f05-fa4b0e4d940e"
    assert "title" not in first  # nothing parsed at crawl
    assert "description_text" not in first
    fields = parse_envelope(first)
    assert (fields.title, fields.location) == ("AbelsonTaylor Writer", "Arlington, TX")
    assert fields.description_text.startswith("Welcome to the Demo Job Listing for Lever!")
