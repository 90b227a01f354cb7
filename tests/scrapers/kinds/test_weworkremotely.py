"""The We Work Remotely kind (spider and parser) on recorded RSS feeds (weworkremotely/)."""

from __future__ import annotations

import pytest
from lxml import etree
from scrapy import Request
from scrapy.http import XmlResponse

from scrapers.items import JobPostingItem
from scrapers.kinds import parse_envelope
from scrapers.kinds.weworkremotely.parser import split_title
from scrapers.kinds.weworkremotely.spider import WeworkremotelySpider
from scrapers.parsing import PostingFields
from scrapers.sources import SourceConfigError, parse_entry
from tests.conftest import fixture_path
from warehouse.replay import Route

SITE = "https://weworkremotely.com"
ALL_FEED = f"{SITE}/remote-jobs.rss"
DEVOPS_FEED = "/categories/remote-devops-sysadmin-jobs.rss"
ALL_FEED_IDS = [
    "https://weworkremotely.com/remote-jobs/mathmo-maths-coach",
    "https://weworkremotely.com/remote-jobs/qase-developer-advocate",
    "https://weworkremotely.com/remote-jobs/apex-trade-entry-level-crypto-market-specialist",
    "https://weworkremotely.com/remote-jobs/qase-technical-customer-support-specialist",
]
DEVOPS_FEED_IDS = [
    "https://weworkremotely.com/remote-jobs/acme-cloud-junior-devops-engineer-internship",
    "https://weworkremotely.com/remote-jobs/globex-senior-site-reliability-engineer",
    "https://weworkremotely.com/remote-jobs/initech-platform-engineer",
]


def feed_response(
    fixture_file_name: str, url: str = ALL_FEED, body: bytes | None = None
) -> XmlResponse:
    content = (
        fixture_path(f"weworkremotely/{fixture_file_name}").read_bytes() if body is None else body
    )
    return XmlResponse(url=url, body=content, request=Request(url))


def parse(make_spider, fixture_file_name: str, body: bytes | None = None, **options) -> tuple:
    spider = make_spider(WeworkremotelySpider, **options)
    return spider, list(spider.parse(feed_response(fixture_file_name, body=body)))


def test_first_request_reads_the_feed_of_every_category(make_spider):
    spider = make_spider(WeworkremotelySpider)

    [request] = spider.initial_requests()

    assert spider.source_key == "weworkremotely:all"
    assert request.url == ALL_FEED
    assert request.errback == spider.on_request_failed


def test_feeds_option_reads_each_feed(make_spider):
    spider = make_spider(
        WeworkremotelySpider, feeds=[DEVOPS_FEED, "https://weworkremotely.com/remote-jobs.rss"]
    )

    requests = list(spider.initial_requests())

    assert spider.source_key == (
        "weworkremotely:categories/remote-devops-sysadmin-jobs.rss,remote-jobs.rss"
    )
    assert [request.url for request in requests] == [f"{SITE}{DEVOPS_FEED}", ALL_FEED]


def test_url_option_reads_that_feed(make_spider):
    spider = make_spider(WeworkremotelySpider, url=f"{SITE}{DEVOPS_FEED}")

    [request] = spider.initial_requests()

    assert spider.source_key == "weworkremotely:categories/remote-devops-sysadmin-jobs.rss"
    assert request.url == f"{SITE}{DEVOPS_FEED}"


@pytest.mark.parametrize("feeds", [[], "remote-jobs.rss", [""], [3]])
def test_feeds_that_are_not_a_list_of_paths_are_refused(feeds):
    with pytest.raises(SourceConfigError, match="feeds must be a list"):
        parse_entry({"kind": "weworkremotely", "feeds": feeds}, 1)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Mathmo: Maths Coach", ("Mathmo", "Maths Coach")),
        (
            "APEX TRADE: Entry-Level Crypto Market Specialist",
            ("APEX TRADE", "Entry-Level Crypto Market Specialist"),
        ),
        ("Acme: Engineer: Platform", ("Acme", "Engineer: Platform")),
        ("Platform Engineer at Initech", ("Initech", "Platform Engineer")),
        ("Platform Engineer", (None, "Platform Engineer")),
        (None, (None, None)),
    ],
)
def test_split_title_reads_company_and_role(title, expected):
    assert split_title(title) == expected


@pytest.mark.parametrize(
    ("fixture_file_name", "expected_ids"),
    [("weworkremotely_1.xml", ALL_FEED_IDS), ("weworkremotely_2.rss", DEVOPS_FEED_IDS)],
)
def test_parse_yields_every_item_of_the_feed(
    make_spider, stats_of, fixture_file_name, expected_ids
):
    spider, items = parse(make_spider, fixture_file_name)

    assert [item.source_posting_id for item in items] == expected_ids
    assert {item.payload_format for item in items} == {"xml"}
    assert stats_of(spider) == {}


def test_parse_maps_an_item_with_an_escaped_description(make_spider):
    """weworkremotely_1.xml: the description is entity-escaped HTML; the item uses the
    ``media`` namespace, which its payload declares."""
    _, [item, *_] = parse(make_spider, "weworkremotely_1.xml")

    assert item == JobPostingItem(
        source_kind="weworkremotely",
        source_key="weworkremotely:all",
        source_posting_id="https://weworkremotely.com/remote-jobs/mathmo-maths-coach",
        url=ALL_FEED,
        payload=item.payload,
        payload_format="xml",
    )
    assert item.payload.startswith(
        '<item xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:media="http://search.yahoo.com/mrss">\n'
        '      <media:content url="https://wwr-pro.s3.amazonaws.com/logos/0171/5783/logo.gif"'
        ' type="image/png"/>\n      <title>Mathmo: Maths Coach</title>'
    )
    assert item.payload.endswith(
        "<link>https://weworkremotely.com/remote-jobs/mathmo-maths-coach</link>\n    </item>"
    )
    payload = etree.fromstring(item.payload)
    assert [payload.findtext(tag) for tag in ("state", "category", "expires_at")] == [
        "London",
        "All Other Remote",
        "Sun, 09 Aug 2026 22:45:30 +0000",
    ]

    fields = parse_envelope(item)
    assert (fields.title, fields.company_name, fields.location, fields.employment_type) == (
        "Maths Coach",
        "Mathmo",
        "Anywhere in the World",
        "Contract",
    )
    assert fields.posted_at == "Fri, 10 Jul 2026 22:45:30 +0000"
    assert fields.url == "https://weworkremotely.com/remote-jobs/mathmo-maths-coach"
    assert (fields.remote, fields.department) == (None, None)
    assert fields.description_format == "html"
    # the escaped HTML is plain HTML once the XML is read: its text has no tags
    assert fields.description_text.startswith(
        "Headquarters: London\nURL: http://www.mathmo.com\nWe're looking for incredible"
    )


def test_parse_maps_an_item_with_a_cdata_description(make_spider):
    """weworkremotely_2.rss: a category feed whose descriptions are CDATA sections; the payload
    is the ``<item>`` exactly as the feed wrote it."""
    _, [item, *_] = parse(make_spider, "weworkremotely_2.rss")

    assert item == JobPostingItem(
        source_kind="weworkremotely",
        source_key="weworkremotely:all",
        source_posting_id=DEVOPS_FEED_IDS[0],
        url=ALL_FEED,
        payload=(
            "<item>\n"
            "      <title>Acme Cloud: Junior DevOps Engineer (Internship)</title>\n"
            "      <region>Anywhere in the World</region>\n"
            "      <category>DevOps and Sysadmin</category>\n"
            "      <type>Contract</type>\n"
            "      <description><![CDATA[<p>We are hiring a <strong>DevOps intern</strong> to work"
            " with Kubernetes, Terraform and CI/CD pipelines on AWS.</p><p>Bash and Linux"
            " required.</p>]]></description>\n"
            "      <link>https://weworkremotely.com/remote-jobs/"
            "acme-cloud-junior-devops-engineer-internship</link>\n"
            "      <guid>https://weworkremotely.com/remote-jobs/"
            "acme-cloud-junior-devops-engineer-internship</guid>\n"
            "      <pubDate>Mon, 12 May 2026 10:00:00 +0000</pubDate>\n"
            "    </item>"
        ),
        payload_format="xml",
    )
    source = fixture_path("weworkremotely/weworkremotely_2.rss").read_text(encoding="utf-8")
    assert item.payload in source
    assert parse_envelope(item) == PostingFields(
        title="Junior DevOps Engineer (Internship)",
        company_name="Acme Cloud",
        location="Anywhere in the World",
        employment_type="Contract",
        posted_at="Mon, 12 May 2026 10:00:00 +0000",
        url=DEVOPS_FEED_IDS[0],
        description_format="html",
        description_text="We are hiring a DevOps intern to work with Kubernetes, Terraform and"
        " CI/CD pipelines on AWS.\nBash and Linux required.",
    )


def test_parse_reads_a_role_at_company_title(make_spider):
    _, [*_, item] = parse(make_spider, "weworkremotely_2.rss")

    fields = parse_envelope(item)
    assert (fields.title, fields.company_name, fields.location) == (
        "Platform Engineer",
        "Initech",
        "Europe Only",
    )


def test_parser_refuses_a_payload_that_is_not_an_item():
    with pytest.raises(ValueError, match="not an RSS <item>"):
        parse_envelope(
            {
                "source_kind": "weworkremotely",
                "source_key": "weworkremotely:all",
                "source_posting_id": "x",
                "payload": "<entry/>",
            }
        )


def test_broken_item_is_counted_and_skipped(make_spider, stats_of):
    """Synthetic: a copy of weworkremotely_2.rss whose second item has no guid and no link."""
    source = fixture_path("weworkremotely/weworkremotely_2.rss").read_text(encoding="utf-8")
    broken = source.replace(
        "      <link>https://weworkremotely.com/remote-jobs/globex-senior-site-reliability-engineer"
        "</link>\n      <guid>https://weworkremotely.com/remote-jobs/"
        "globex-senior-site-reliability-engineer</guid>\n",
        "",
    )
    assert broken != source

    spider, items = parse(make_spider, "weworkremotely_2.rss", body=broken.encode())

    assert [item.source_posting_id for item in items] == [DEVOPS_FEED_IDS[0], DEVOPS_FEED_IDS[2]]
    assert stats_of(spider) == {"postings/record_error/unparseable_record": 1, "postings/errors": 1}
    assert spider.error_messages == [
        "weworkremotely:all: record #1: unparseable_record: "
        "ValueError: item has neither <guid> nor <link>"
    ]


def test_a_feed_that_is_not_xml_is_counted(make_spider, stats_of):
    spider, items = parse(make_spider, "weworkremotely_2.rss", body=b"<html><body>busy")

    assert items == []
    assert stats_of(spider) == {"postings/record_error/invalid_xml": 1, "postings/errors": 1}


def test_xml_that_is_not_rss_is_counted(make_spider, stats_of):
    spider, items = parse(make_spider, "weworkremotely_2.rss", body=b"<feed><entry/></feed>")

    assert items == []
    assert stats_of(spider) == {"postings/record_error/unexpected_shape": 1, "postings/errors": 1}
    assert spider.error_messages == [
        f"weworkremotely:all: record {ALL_FEED}: unexpected_shape: "
        "expected an RSS <rss><channel>, got <feed>"
    ]


def test_crawl_over_http_reads_every_feed(run_crawl, route_to):
    result = run_crawl(
        'sources:\n  - {kind: weworkremotely, api_base: "{replay}", delay: 0,\n'
        f"     feeds: [/remote-jobs.rss, {DEVOPS_FEED}]}}\n",
        [
            route_to("/remote-jobs.rss", "weworkremotely/weworkremotely_1.xml"),
            route_to(DEVOPS_FEED, "weworkremotely/weworkremotely_2.rss"),
        ],
    )

    key = "weworkremotely:remote-jobs.rss,categories/remote-devops-sysadmin-jobs.rss"
    manifest = result.manifest(key)
    assert (manifest["status"], manifest["postings"], manifest["errors"]) == ("succeeded", 7, 0)
    assert sorted(result.requests) == sorted(["/robots.txt", "/remote-jobs.rss", DEVOPS_FEED])
    records = {r["source_posting_id"]: r for r in result.records_of(key)}
    assert sorted(records) == sorted(ALL_FEED_IDS + DEVOPS_FEED_IDS)
    mathmo = records[ALL_FEED_IDS[0]]
    assert mathmo["payload_format"] == "xml"
    assert "description_text" not in mathmo  # nothing parsed at crawl time
    assert parse_envelope(mathmo).description_text.startswith(
        "Headquarters: London\nURL: http://www.mathmo.com\nWe're looking for incredible"
    )


def test_crawl_lands_the_other_feed_when_one_is_missing(run_crawl, route_to):
    result = run_crawl(
        'sources:\n  - {kind: weworkremotely, name: two, api_base: "{replay}", delay: 0,\n'
        f"     feeds: [/remote-jobs.rss, {DEVOPS_FEED}]}}\n",
        [
            Route(path="/remote-jobs.rss", status=404, body=b"gone", content_type="text/plain"),
            route_to(DEVOPS_FEED, "weworkremotely/weworkremotely_2.rss"),
        ],
    )

    manifest = result.manifest("weworkremotely:two")
    assert (manifest["status"], manifest["postings"], manifest["errors"]) == ("partial", 3, 1)
    assert manifest["counters"]["postings/request_failed/http_404"] == 1
