"""The Teamtailor spider and parser on a recorded career-site JSON Feed.

The recording is Teamtailor's own career site (``career.teamtailor.com/jobs.json``), whose feed
names itself in ``feed_url``; that is the endpoint the spider reads for every company.
"""

from __future__ import annotations

import json

import pytest
from scrapy import Request

from scrapers.items import JobPostingItem
from scrapers.kinds import parse_envelope
from scrapers.kinds.teamtailor.spider import TeamtailorSpider
from scrapers.normalize import description_text
from scrapers.parsing import PostingFields
from scrapers.spiders.base import dump_payload
from warehouse.replay import Route

FIXTURE = "teamtailor/teamtailor_1.json"
FEED_URL = "https://career.teamtailor.com/jobs.json"


def parse(make_spider, json_response, body: bytes | None = None, **options) -> tuple:
    spider = make_spider(TeamtailorSpider, subdomain="career", **options)
    return spider, list(spider.parse(json_response(FIXTURE, url=FEED_URL, body=body)))


def test_first_request_asks_for_the_career_site_feed(make_spider, fixture_json):
    spider = make_spider(TeamtailorSpider, subdomain="career")

    [request] = spider.initial_requests()

    assert request.url == FEED_URL == fixture_json(FIXTURE)["feed_url"]
    assert request.callback == spider.parse
    assert request.errback == spider.on_request_failed
    assert request.cb_kwargs == {"page": 1}


def test_parse_yields_envelopes_with_the_item_as_sent(
    make_spider, json_response, fixture_json, stats_of
):
    [entry, _] = fixture_json(FIXTURE)["items"]

    spider, [item, _] = parse(make_spider, json_response)

    assert item == JobPostingItem(
        source_kind="teamtailor",
        source_key="teamtailor:career",
        source_posting_id="20fafb7d-f013-4061-b6de-2894b3e0838b",
        url=FEED_URL,
        payload=dump_payload(entry),
        payload_format="json",
        source_context={"feed_title": "Teamtailor"},
    )
    assert json.loads(item.payload)["_jobposting"]["identifier"]["value"] == 7167985
    assert stats_of(spider) == {}


def test_parser_maps_a_posting_in_one_place(make_spider, json_response):
    _, [item, _] = parse(make_spider, json_response)

    assert parse_envelope(item) == PostingFields(
        title="Account Executive - Italy (Madrid based)",
        company_name="Teamtailor",
        location="Madrid, ES",
        country="ES",
        city="Madrid",
        posted_at="2026-02-04T09:26:20+01:00",
        url="https://career.teamtailor.com/jobs/7167985-account-executive-italy-madrid-based",
    )


def test_parser_lists_every_place_of_a_posting(make_spider, json_response):
    """The Copenhagen job lists Stockholm first; ``addressRegion`` ("Sweden", "Europe") is
    Teamtailor's own grouping and stays in the payload only."""
    _, [_, item] = parse(make_spider, json_response)

    assert parse_envelope(item) == PostingFields(
        title="Mid-Market Account Executive - Copenhagen",
        company_name="Teamtailor",
        location="Stockholm, SE; København, DK",
        posted_at="2026-01-18T19:35:57+01:00",
        url="https://career.teamtailor.com/jobs/7069633-mid-market-account-executive-copenhagen",
    )


def test_parser_reads_the_optional_posting_fields(make_spider, json_response, fixture_json):
    """Synthetic: the first item with the JSON Feed and schema.org fields sites may add."""
    document = fixture_json(FIXTURE)
    entry = document["items"][0]
    entry["content_html"] = "<p>Sell Teamtailor in Italy.</p>"
    entry["date_modified"] = "2026-02-05T10:00:00+01:00"
    entry["_jobposting"].update(
        hiringOrganization={
            "@type": "Organization",
            "name": "Teamtailor AB",
            "industry": "Software",
        },
        employmentType=["FULL_TIME"],
        jobLocationType="TELECOMMUTE",
        validThrough="2026-03-01T00:00:00+01:00",
        baseSalary={
            "@type": "MonetaryAmount",
            "currency": "EUR",
            "value": {
                "@type": "QuantitativeValue",
                "minValue": 50000,
                "maxValue": 65000,
                "unitText": "YEAR",
            },
        },
    )

    _, [item, _] = parse(make_spider, json_response, body=json.dumps(document).encode())
    fields = parse_envelope(item)

    assert (fields.company_name, fields.employment_type, fields.remote) == (
        "Teamtailor AB",
        "FULL_TIME",
        "TELECOMMUTE",
    )
    assert (fields.updated_at, fields.expires_at) == (
        "2026-02-05T10:00:00+01:00",
        "2026-03-01T00:00:00+01:00",
    )
    assert (
        fields.salary_currency,
        fields.salary_min,
        fields.salary_max,
        fields.salary_interval,
    ) == ("EUR", "50000", "65000", "YEAR")
    assert fields.industry_labels == ["Software"]
    assert (fields.description_format, fields.description_text) == (
        "html",
        description_text("<p>Sell Teamtailor in Italy.</p>", "html"),
    )


def test_parser_reads_a_single_salary_value_as_both_bounds(fixture_json):
    """Synthetic: the first item with a ``baseSalary`` of one value."""
    entry = fixture_json(FIXTURE)["items"][0]
    entry["_jobposting"]["baseSalary"] = {
        "currency": "SEK",
        "value": {"value": 45000, "unitText": "MONTH"},
    }
    fields = parse_envelope(
        {
            "source_kind": "teamtailor",
            "source_key": "teamtailor:career",
            "source_posting_id": entry["id"],
            "payload": dump_payload(entry),
        }
    )

    assert (fields.salary_min, fields.salary_max, fields.salary_interval) == (
        "45000",
        "45000",
        "MONTH",
    )


def test_parser_names_the_company_from_the_entry_without_a_feed_title(fixture_json):
    entry = fixture_json(FIXTURE)["items"][0]
    envelope = {
        "source_kind": "teamtailor",
        "source_key": "teamtailor:career",
        "source_posting_id": entry["id"],
        "payload": dump_payload(entry),
    }

    assert parse_envelope({**envelope, "source_context": {"company": "TT"}}).company_name == "TT"
    assert parse_envelope(envelope).company_name == "career"


@pytest.mark.parametrize("subdomain", ["career.evil.com", "-career", "career/../x"])
def test_subdomain_must_be_one_dns_label(subdomain):
    """The error names the option that is wrong (it once named ``company``)."""
    with pytest.raises(ValueError, match="subdomain must be a Teamtailor subdomain"):
        TeamtailorSpider.validate_options({"subdomain": subdomain})


def test_a_missing_subdomain_is_named():
    with pytest.raises(KeyError, match="subdomain"):
        TeamtailorSpider.validate_options({"company": "Teamtailor"})


def test_a_feed_with_a_next_page_is_followed(make_spider, json_response, fixture_json):
    """Synthetic: the recorded feed with a JSON Feed ``next_url``."""
    document = fixture_json(FIXTURE)
    document["next_url"] = "https://career.teamtailor.com/jobs.json?page=2"

    _, [_, _, next_page] = parse(make_spider, json_response, body=json.dumps(document).encode())

    assert isinstance(next_page, Request)
    assert next_page.url == "https://career.teamtailor.com/jobs.json?page=2"
    assert next_page.cb_kwargs == {"page": 2}


def test_max_pages_stops_the_crawl_and_counts_an_error(
    make_spider, json_response, fixture_json, stats_of
):
    """Synthetic: the recorded feed with a ``next_url``, read with ``max_pages: 1``."""
    document = fixture_json(FIXTURE)
    document["next_url"] = "https://career.teamtailor.com/jobs.json?page=2"

    spider, outputs = parse(
        make_spider, json_response, body=json.dumps(document).encode(), max_pages=1
    )

    assert all(isinstance(output, JobPostingItem) for output in outputs)
    assert stats_of(spider) == {"postings/record_error/max_pages_reached": 1, "postings/errors": 1}


def test_broken_item_is_counted_and_skipped(make_spider, json_response, fixture_json, stats_of):
    """Synthetic: the recorded feed whose first item has lost its ``id``."""
    document = fixture_json(FIXTURE)
    del document["items"][0]["id"]

    spider, items = parse(make_spider, json_response, body=json.dumps(document).encode())

    assert [item.source_posting_id for item in items] == ["a52c9a45-1132-44c9-9696-76974817ae6e"]
    assert stats_of(spider) == {"postings/record_error/unparseable_record": 1, "postings/errors": 1}
    assert spider.error_messages == [
        "teamtailor:career: record #0: unparseable_record: KeyError: 'id'"
    ]


def test_an_answer_without_items_is_counted(make_spider, json_response, stats_of):
    spider, items = parse(make_spider, json_response, body=b'{"errors": [{"status": "404"}]}')

    assert items == []
    assert stats_of(spider) == {"postings/record_error/unexpected_shape": 1, "postings/errors": 1}


def test_crawl_over_http_follows_next_url_until_an_empty_page(run_crawl, fixture_json):
    """Page 1 is the recorded feed plus a ``next_url`` (synthetic); page 2 is a synthetic
    empty feed."""
    document = fixture_json(FIXTURE)
    document["next_url"] = "{base}/jobs.json?page=2"
    empty = {key: value for key, value in document.items() if key != "next_url"}
    empty["items"] = []
    routes = [
        Route(
            path="/jobs.json",
            query={"page": "2"},
            body=json.dumps(empty).encode(),
            content_type="application/json",
        ),
        Route(
            path="/jobs.json",
            body=json.dumps(document).encode(),
            template=True,
            content_type="application/json",
        ),
    ]

    result = run_crawl(
        'sources:\n  - {kind: teamtailor, subdomain: career, api_base: "{replay}", delay: 0}\n',
        routes,
    )

    manifest = result.manifest("teamtailor:career")
    assert (manifest["status"], manifest["postings"], manifest["errors"]) == ("succeeded", 2, 0)
    assert result.requests == ["/robots.txt", "/jobs.json", "/jobs.json?page=2"]
    assert "title" not in result.records[0]  # nothing parsed at crawl
    assert [(parse_envelope(r).title, parse_envelope(r).location) for r in result.records] == [
        ("Account Executive - Italy (Madrid based)", "Madrid, ES"),
        ("Mid-Market Account Executive - Copenhagen", "Stockholm, SE; København, DK"),
    ]
