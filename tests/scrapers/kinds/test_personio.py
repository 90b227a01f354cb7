"""The Personio spider and parser on recorded XML feeds (tests/fixtures/personio/).

``personio_1.xml`` is CLARK's feed (four positions, empty description blocks);
``personio_1_sanitized.xml`` lists the same position twice, as real feeds sometimes do.
"""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.http import XmlResponse

from scrapers.items import JobPostingItem
from scrapers.kinds import parse_envelope
from scrapers.kinds.personio.spider import PersonioSpider
from scrapers.normalize import description_text
from scrapers.parsing import PostingFields
from tests.conftest import fixture_path

CLARK = "personio/personio_1.xml"
DUPLICATED = "personio/personio_1_sanitized.xml"


def feed_url(company: str) -> str:
    return f"https://{company}.jobs.personio.de/xml"


def xml_response(relative_path: str, company: str, body: bytes | None = None) -> XmlResponse:
    content = fixture_path(relative_path).read_bytes() if body is None else body
    url = feed_url(company)
    return XmlResponse(url=url, body=content, encoding="utf-8", request=Request(url))


def position_text(relative_path: str, index: int = 0) -> str:
    """The ``index``-th ``<position>`` element as the feed wrote it, with an empty element in
    the short form lxml writes (``<jobDescriptions/>``)."""
    text = fixture_path(relative_path).read_text(encoding="utf-8")
    start = -1
    for _ in range(index + 1):
        start = text.index("<position>", start + 1)
    end = text.index("</position>", start) + len("</position>")
    return text[start:end].replace("<jobDescriptions></jobDescriptions>", "<jobDescriptions/>")


def parse(make_spider, relative_path: str, company: str, body: bytes | None = None) -> tuple:
    spider = make_spider(PersonioSpider, subdomain=company)
    return spider, list(spider.parse(xml_response(relative_path, company, body)))


def test_first_request_asks_for_the_company_feed(make_spider):
    spider = make_spider(PersonioSpider, subdomain="clark")

    [request] = spider.initial_requests()

    assert request.url == "https://clark.jobs.personio.de/xml"
    assert request.callback == spider.parse
    assert request.errback == spider.on_request_failed


@pytest.mark.parametrize("subdomain", ["clark.evil.com", "-clark", "clark/../x"])
def test_subdomain_must_be_one_dns_label(subdomain):
    with pytest.raises(ValueError, match="subdomain must be a Personio subdomain"):
        PersonioSpider.validate_options({"subdomain": subdomain})


def test_language_and_api_base_options(make_spider):
    spider = make_spider(
        PersonioSpider, subdomain="clark", language="en", api_base="https://clark.jobs.personio.com"
    )

    [request] = spider.initial_requests()

    assert request.url == "https://clark.jobs.personio.com/xml?language=en"


@pytest.mark.parametrize(
    ("relative_path", "company", "expected_ids"),
    [
        (CLARK, "clark", ["2415353", "2377588", "342554", "2335782"]),
        (DUPLICATED, "acme", ["1834171", "1834171"]),
    ],
)
def test_parse_yields_every_position_duplicates_included(
    make_spider, stats_of, relative_path, company, expected_ids
):
    spider, items = parse(make_spider, relative_path, company)

    assert [item.source_posting_id for item in items] == expected_ids
    assert stats_of(spider) == {}


def test_parse_yields_envelopes_with_the_position_as_xml(make_spider):
    _, [item, *_] = parse(make_spider, CLARK, "clark")

    assert item == JobPostingItem(
        source_kind="personio",
        source_key="personio:clark",
        source_posting_id="2415353",
        url=feed_url("clark"),
        payload=position_text(CLARK, 0),
        payload_format="xml",
        source_context={},
    )
    assert item.payload.startswith("<position>\n    <id>2415353</id>\n")


def test_parser_maps_a_position_with_an_additional_office(make_spider):
    _, [item, *_] = parse(make_spider, CLARK, "clark")

    assert parse_envelope(item) == PostingFields(
        title="(Senior) CRM Manager (m/w/d)",
        company_name="CLARK Holding SE",
        location="Berlin; Frankfurt am Main",
        remote=None,
        department="Group - Marketing",
        employment_type="permanent, full-time",
        posted_at="2025-11-04T08:40:52+00:00",
        url="https://clark.jobs.personio.de/job/2415353",
    )


def test_parser_decodes_entities_and_keeps_a_remote_office(make_spider):
    """``DE - Sales Life &amp; Health`` is text with an ampersand; "Remote" is an office."""
    _, items = parse(make_spider, CLARK, "clark")

    second, third = parse_envelope(items[1]), parse_envelope(items[2])

    assert (second.location, second.company_name) == ("Remote", "Clark Germany GmbH")
    assert third == PostingFields(
        title="Sales Consultant (m/w/d)",
        company_name="Clark Germany GmbH",
        location="Berlin",
        department="DE - Sales Life & Health",
        employment_type="permanent, full-time",
        posted_at="2021-03-24T16:31:23+00:00",
        url="https://clark.jobs.personio.de/job/342554",
    )
    assert "<department>DE - Sales Life &amp; Health</department>" in items[2].payload


def test_both_copies_of_a_repeated_position_are_the_same_posting(make_spider):
    _, [first, second] = parse(make_spider, DUPLICATED, "acme")

    assert first == second
    assert parse_envelope(first) == PostingFields(
        title="Staff Software Engineer, Data Platform",
        company_name="Acme SE & Co. KG",
        location="Munich; Berlin",
        department="Product and Tech",
        employment_type="permanent, full-time",
        posted_at="2024-11-13T14:10:41+00:00",
        url="https://acme.jobs.personio.de/job/1834171",
    )


def test_parser_falls_back_to_the_entry_company_then_the_subdomain():
    """Synthetic: a position without ``<subcompany>``."""
    envelope = {
        "source_kind": "personio",
        "source_key": "personio:acme",
        "source_posting_id": "7",
        "payload": "<position><id>7</id></position>",
    }

    assert (
        parse_envelope({**envelope, "source_context": {"company": "Acme"}}).company_name == "Acme"
    )
    assert parse_envelope(envelope).company_name == "acme"


def test_parser_joins_the_description_blocks(make_spider):
    """Synthetic: the CLARK feed with two description blocks (HTML in CDATA) in its first
    position, as Personio writes them when a company fills them in."""
    blocks = (
        "<jobDescriptions><jobDescription><name>Your mission</name>"
        "<value><![CDATA[<p>Grow our CRM &amp; more</p>]]></value></jobDescription>"
        "<jobDescription><name>Your profile</name>"
        "<value><![CDATA[<ul><li>SQL</li></ul>]]></value></jobDescription>"
        "</jobDescriptions>"
    )
    body = (
        fixture_path(CLARK)
        .read_text(encoding="utf-8")
        .replace("<jobDescriptions></jobDescriptions>", blocks, 1)
        .encode()
    )

    _, [item, second, *_] = parse(make_spider, CLARK, "clark", body)

    fields = parse_envelope(item)
    assert fields.description_format == "html"
    assert fields.description_text == description_text(
        "<h3>Your mission</h3><p>Grow our CRM &amp; more</p>"
        "<h3>Your profile</h3><ul><li>SQL</li></ul>",
        "html",
    )
    assert "Grow our CRM & more" in fields.description_text
    assert (parse_envelope(second).description_format, parse_envelope(second).description_text) == (
        None,
        None,
    )


def test_a_payload_that_is_not_a_position_is_a_parse_error():
    with pytest.raises(ValueError, match="not a <position>"):
        parse_envelope(
            {
                "source_kind": "personio",
                "source_key": "personio:acme",
                "source_posting_id": "7",
                "payload": "<job><id>7</id></job>",
            }
        )


def test_broken_position_is_counted_and_skipped(make_spider, stats_of):
    """Synthetic: the CLARK feed whose second position has lost its ``<id>``."""
    body = (
        fixture_path(CLARK).read_text(encoding="utf-8").replace("<id>2377588</id>", "", 1).encode()
    )

    spider, items = parse(make_spider, CLARK, "clark", body)

    assert [item.source_posting_id for item in items] == ["2415353", "342554", "2335782"]
    assert stats_of(spider) == {"postings/record_error/unparseable_record": 1, "postings/errors": 1}
    assert spider.error_messages == [
        "personio:clark: record #1: unparseable_record: ValueError: position has no <id>"
    ]


def test_a_page_that_is_not_a_feed_is_counted(make_spider, stats_of):
    spider, items = parse(
        make_spider, CLARK, "clark", b"<html><body>This career page is not available</body></html>"
    )

    assert items == []
    assert stats_of(spider) == {"postings/record_error/unexpected_shape": 1, "postings/errors": 1}


def test_crawl_over_http_keeps_the_first_of_a_repeated_position(run_crawl, route_to):
    result = run_crawl(
        "sources:\n"
        '  - {kind: personio, subdomain: clark, api_base: "{replay}", delay: 0}\n'
        '  - {kind: personio, subdomain: acme, api_base: "{replay}/acme", delay: 0}\n',
        [route_to("/xml", CLARK), route_to("/acme/xml", DUPLICATED)],
    )

    clark = result.manifest("personio:clark")
    assert (clark["status"], clark["postings"], clark["errors"]) == ("succeeded", 4, 0)
    acme = result.manifest("personio:acme")
    assert (acme["status"], acme["postings"], acme["errors"]) == ("succeeded", 1, 0)
    assert acme["counters"]["postings/item_dropped/duplicate_id"] == 1
    [kept] = result.records_of("personio:acme")
    assert (kept["source_posting_id"], kept["payload_format"]) == ("1834171", "xml")
    assert kept["payload"] == position_text(DUPLICATED, 0)
    assert parse_envelope(kept).title == "Staff Software Engineer, Data Platform"
    assert [r["source_posting_id"] for r in result.records_of("personio:clark")] == [
        "2415353",
        "2377588",
        "342554",
        "2335782",
    ]
    # One crawler for the night: robots.txt once for the host both boards are on.
    assert sorted(result.requests) == ["/acme/xml", "/robots.txt", "/xml"]
