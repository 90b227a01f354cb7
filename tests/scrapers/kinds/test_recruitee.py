"""The Recruitee spider and parser on a recorded Careers Site API answer.

The recording's employer was renamed "Acme" (its domain replaced by jobs.acme.com) by the
project that recorded it; every other value is the site's own.
"""

from __future__ import annotations

import json

import pytest

from scrapers.items import JobPostingItem
from scrapers.kinds import parse_envelope
from scrapers.kinds.recruitee.spider import RecruiteeSpider
from scrapers.normalize import description_text
from scrapers.parsing import PostingFields
from scrapers.spiders.base import dump_payload

FIXTURE = "recruitee/recruitee_1.json"
OFFERS_URL = "https://acme.recruitee.com/api/offers/"


def test_first_request_asks_the_company_host_for_its_offers(make_spider):
    spider = make_spider(RecruiteeSpider, subdomain="acme")

    [request] = spider.initial_requests()

    assert request.url == OFFERS_URL
    assert request.callback == spider.parse
    assert request.errback == spider.on_request_failed


def test_api_base_replaces_the_company_host(make_spider):
    spider = make_spider(RecruiteeSpider, subdomain="acme", api_base="https://careers.acme.com/")

    [request] = spider.initial_requests()

    assert request.url == "https://careers.acme.com/api/offers/"


@pytest.mark.parametrize("subdomain", ["acme.evil.com", "-acme", "acme/../x"])
def test_subdomain_must_be_one_dns_label(subdomain):
    with pytest.raises(ValueError, match="subdomain must be a Recruitee subdomain"):
        RecruiteeSpider.validate_options({"subdomain": subdomain})


def test_an_empty_subdomain_is_a_missing_option():
    with pytest.raises(KeyError, match="subdomain"):
        RecruiteeSpider.validate_options({"subdomain": ""})


def test_parse_yields_every_offer(make_spider, json_response, stats_of):
    spider = make_spider(RecruiteeSpider, subdomain="acme")

    items = list(spider.parse(json_response(FIXTURE, url=OFFERS_URL)))

    assert [item.source_posting_id for item in items] == ["2700825", "2697184"]
    assert stats_of(spider) == {}


def test_parse_yields_envelopes_with_the_offer_as_sent(make_spider, json_response, fixture_json):
    [offer, _] = fixture_json(FIXTURE)["offers"]
    spider = make_spider(RecruiteeSpider, subdomain="acme")

    [item, _] = spider.parse(json_response(FIXTURE, url=OFFERS_URL))

    assert item == JobPostingItem(
        source_kind="recruitee",
        source_key="recruitee:acme",
        source_posting_id="2700825",
        url=OFFERS_URL,
        payload=dump_payload(offer),
        payload_format="json",
        source_context={},
    )


def offer_fields(offer: dict, **context: str) -> PostingFields:
    return parse_envelope(
        {
            "source_kind": "recruitee",
            "source_key": "recruitee:acme",
            "source_posting_id": str(offer["id"]),
            "url": OFFERS_URL,
            "payload": dump_payload(offer),
            "source_context": context,
        }
    )


def test_parser_maps_a_hybrid_offer_with_a_salary(fixture_json):
    [offer, _] = fixture_json(FIXTURE)["offers"]

    fields = offer_fields(offer)

    assert fields == PostingFields(
        title="(Senior) Financial Accountant (f/m/d) - Berlin/Brandenburg Region, Germany",
        company_name="Acme",
        location="Berlin, Berlin, Germany",
        country="DE",
        region="Berlin",
        city="Berlin",
        remote="hybrid",
        department="Finance",
        employment_type="fulltime_permanent",
        posted_at="2026-08-05 10:10:39 UTC",
        updated_at="2026-08-05 11:45:30 UTC",
        expires_at=None,
        url="https://jobs.acme.com/o/senior-financial-accountant-fmd-berlinbrandenburg-region-germany",
        apply_url="https://jobs.acme.com/o/senior-financial-accountant-fmd-berlinbrandenburg-region-germany/c/new",
        salary_currency="EUR",
        salary_min="60000",
        salary_max="75000",
        salary_interval="year",
        description_format="html",
        description_text=description_text(offer["description"] + offer["requirements"], "html"),
    )
    assert fields.description_text.startswith("How you will make an impact\nAs our")
    assert "What we expect from you" in fields.description_text


def test_parser_maps_the_second_offer(fixture_json):
    [_, offer] = fixture_json(FIXTURE)["offers"]

    fields = offer_fields(offer)

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
        "Partner Development Representative (f/m/d) - Berlin, Germany",
        "Acme",
        "Berlin, Berlin, Germany",
        "hybrid",
        "Sales",
        "fulltime_permanent",
        "2026-07-31 22:26:40 UTC",
        "https://jobs.acme.com/o/partner-development-representative-fmd-berlin-germany",
    )


def test_parser_falls_back_to_the_entry_company_then_the_subdomain(fixture_json):
    """Synthetic: the first recorded offer without ``company_name``."""
    [offer, _] = fixture_json(FIXTURE)["offers"]
    del offer["company_name"]

    assert offer_fields(offer, company="Acme GmbH").company_name == "Acme GmbH"
    assert offer_fields(offer).company_name == "acme"


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ({"remote": True, "hybrid": False, "on_site": False}, "remote"),
        ({"remote": False, "hybrid": False, "on_site": True}, "onsite"),
        ({"remote": False, "hybrid": False, "on_site": False}, None),
    ],
)
def test_remote_is_the_flag_that_is_set(fixture_json, flags, expected):
    """Synthetic: the first recorded offer with its workplace flags replaced."""
    [offer, _] = fixture_json(FIXTURE)["offers"]
    offer.update(flags)

    assert offer_fields(offer).remote == expected


def test_broken_offer_is_counted_and_skipped(make_spider, json_response, fixture_json, stats_of):
    """Synthetic: a copy of recruitee_1.json whose first offer has lost its ``id``."""
    document = fixture_json(FIXTURE)
    del document["offers"][0]["id"]
    spider = make_spider(RecruiteeSpider, subdomain="acme")
    response = json_response(FIXTURE, url=OFFERS_URL, body=json.dumps(document).encode())

    items = list(spider.parse(response))

    assert [item.source_posting_id for item in items] == ["2697184"]
    assert stats_of(spider) == {"postings/record_error/unparseable_record": 1, "postings/errors": 1}
    assert spider.error_messages == [
        "recruitee:acme: record #0: unparseable_record: KeyError: 'id'"
    ]


def test_an_answer_without_offers_is_counted(make_spider, json_response, stats_of):
    spider = make_spider(RecruiteeSpider, subdomain="acme")
    response = json_response(FIXTURE, url=OFFERS_URL, body=b'{"error": "not found"}')

    assert list(spider.parse(response)) == []
    assert stats_of(spider) == {"postings/record_error/unexpected_shape": 1, "postings/errors": 1}


def test_crawl_over_http_lands_every_offer(run_crawl, route_to):
    result = run_crawl(
        'sources:\n  - {kind: recruitee, subdomain: acme, api_base: "{replay}", delay: 0}\n',
        [route_to("/api/offers/", FIXTURE)],
    )

    manifest = result.manifest("recruitee:acme")
    assert (manifest["status"], manifest["postings"], manifest["errors"]) == ("succeeded", 2, 0)
    assert result.requests == ["/robots.txt", "/api/offers/"]
    first = result.records[0]
    assert first["source_posting_id"] == "2700825"
    assert "remote" not in first  # nothing parsed at crawl
    assert "description_text" not in first
    fields = parse_envelope(first)
    assert (fields.remote, fields.posted_at) == ("hybrid", "2026-08-05 10:10:39 UTC")
    assert fields.description_text.startswith("How you will make an impact\nAs our")
