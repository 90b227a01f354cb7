"""The Recruitee spider on a recorded Careers Site API answer (tests/fixtures/recruitee/).

The recording's employer was renamed "Acme" (its domain replaced by jobs.acme.com) by the
project that recorded it; every other value is the site's own.
"""

from __future__ import annotations

import json

import pytest

from scrapers.items import JobPostingItem
from scrapers.spiders.base import dump_payload
from scrapers.spiders.recruitee import RecruiteeSpider

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


@pytest.mark.parametrize("company", ["acme.evil.com", "-acme", "acme/../x", ""])
def test_company_must_be_a_subdomain(company):
    with pytest.raises((KeyError, ValueError)):
        RecruiteeSpider.validate_options({"subdomain": company})


def test_parse_yields_every_offer(make_spider, json_response, stats_of):
    spider = make_spider(RecruiteeSpider, subdomain="acme")

    items = list(spider.parse(json_response(FIXTURE, url=OFFERS_URL)))

    assert [item.source_posting_id for item in items] == ["2700825", "2697184"]
    assert stats_of(spider) == {}


def test_parse_maps_a_hybrid_offer(make_spider, json_response, fixture_json):
    [offer, _] = fixture_json(FIXTURE)["offers"]
    spider = make_spider(RecruiteeSpider, subdomain="acme")

    [item, _] = spider.parse(json_response(FIXTURE, url=OFFERS_URL))

    assert item == JobPostingItem(
        source_kind="recruitee",
        source_key="recruitee:acme",
        source_posting_id="2700825",
        url="https://jobs.acme.com/o/senior-financial-accountant-fmd-berlinbrandenburg-region-germany",
        title="(Senior) Financial Accountant (f/m/d) - Berlin/Brandenburg Region, Germany",
        company_name="Acme",
        location="Berlin, Berlin, Germany",
        remote="hybrid",
        department="Finance",
        employment_type="fulltime_permanent",
        posted_at="2026-08-05 10:10:39 UTC",
        description=offer["description"] + offer["requirements"],
        payload=dump_payload(offer),
    )
    assert item.description.startswith("<p><strong>How you will make an impact</strong></p>")
    assert "<p><strong>What we expect from you</strong></p>" in item.description
    assert json.loads(item.payload)["salary"] == {
        "max": "75000", "min": "60000", "period": "year", "currency": "EUR"
    }


def test_parse_maps_the_second_offer(make_spider, json_response, fixture_json):
    [_, offer] = fixture_json(FIXTURE)["offers"]
    spider = make_spider(RecruiteeSpider, subdomain="acme")

    [_, item] = spider.parse(json_response(FIXTURE, url=OFFERS_URL))

    assert item == JobPostingItem(
        source_kind="recruitee",
        source_key="recruitee:acme",
        source_posting_id="2697184",
        url="https://jobs.acme.com/o/partner-development-representative-fmd-berlin-germany",
        title="Partner Development Representative (f/m/d) - Berlin, Germany",
        company_name="Acme",
        location="Berlin, Berlin, Germany",
        remote="hybrid",
        department="Sales",
        employment_type="fulltime_permanent",
        posted_at="2026-07-31 22:26:40 UTC",
        description=offer["description"] + offer["requirements"],
        payload=dump_payload(offer),
    )


@pytest.mark.parametrize(
    ("flags", "expected"),
    [({"remote": True, "hybrid": False, "on_site": False}, "remote"),
     ({"remote": False, "hybrid": False, "on_site": True}, "onsite"),
     ({"remote": False, "hybrid": False, "on_site": False}, None)],
)
def test_remote_is_the_flag_that_is_set(make_spider, json_response, fixture_json, flags,
                                        expected):
    """Synthetic: the first recorded offer with its workplace flags replaced."""
    document = fixture_json(FIXTURE)
    document["offers"][0].update(flags)
    spider = make_spider(RecruiteeSpider, subdomain="acme")
    response = json_response(FIXTURE, url=OFFERS_URL, body=json.dumps(document).encode())

    [item, _] = spider.parse(response)

    assert item.remote == expected


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
    assert (first["source_posting_id"], first["remote"], first["posted_at"]) == (
        "2700825", "hybrid", "2026-08-05 10:10:39 UTC"
    )
    assert first["description_text"].startswith("How you will make an impact\nAs our")
