"""The USAJOBS spider on a recorded Search API answer (tests/fixtures/usajobs/)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import CloseSpider

from scrapers.items import JobPostingItem
from scrapers.kinds import parse_envelope
from scrapers.kinds.usajobs.spider import UsajobsSpider
from scrapers.parsing import PostingFields
from scrapers.sources import SourceConfigError, parse_entry
from scrapers.spiders.base import dump_payload
from warehouse.config import get_settings
from warehouse.replay import Route

API = "https://data.usajobs.gov"
KEY = "usa-KEY-0123456789"
EMAIL = "crawler@example.org"
IDS = ["PHMSA.PSRG-2026-0018", "FSA-2026-0118", "AAC-FAA-26-PUB NOT-96468"]
#: Synthetic: the answer past the last page.
EMPTY_PAGE = json.dumps(
    {"SearchResult": {"SearchResultCount": 0, "SearchResultItems": []}}
).encode()


@pytest.fixture(autouse=True)
def credentials(monkeypatch):
    """Made-up credentials, in the environment the crawler child process inherits too."""
    monkeypatch.setenv("POSTINGS_USAJOBS_API_KEY", KEY)
    monkeypatch.setenv("POSTINGS_USAJOBS_EMAIL", EMAIL)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def no_credentials(monkeypatch):
    """No key configured (an empty value wins over any ``.env`` file)."""
    monkeypatch.setenv("POSTINGS_USAJOBS_API_KEY", "")
    get_settings.cache_clear()


def paged(fixture_json, **user_area) -> bytes:
    """Synthetic: usajobs_1.json with the paging data the recorded answer was trimmed of."""
    document = fixture_json("usajobs/usajobs_1.json")
    document["SearchResult"]["UserArea"] = user_area
    return json.dumps(document).encode()


def parse(make_spider, json_response, body: bytes | None = None, page: int = 1, **options) -> tuple:
    spider = make_spider(UsajobsSpider, **options)
    list(spider.initial_requests())  # reads the credentials
    response = json_response(
        "usajobs/usajobs_1.json", url=f"{API}/api/search?ResultsPerPage=500&Page={page}", body=body
    )
    return spider, list(spider.parse(response, page=page))


def test_first_request_sends_the_credentials_as_headers(make_spider):
    spider = make_spider(UsajobsSpider, keyword="software engineer")

    [request] = spider.initial_requests()

    assert spider.source_key == "usajobs:keyword=software engineer"
    assert request.url == f"{API}/api/search?Keyword=software+engineer&ResultsPerPage=500&Page=1"
    assert request.headers.to_unicode_dict() == {
        "Host": "data.usajobs.gov",
        "User-Agent": EMAIL,
        "Authorization-Key": KEY,
    }
    assert request.cb_kwargs == {"page": 1}
    assert request.errback == spider.on_request_failed


def test_params_add_search_parameters(make_spider):
    spider = make_spider(
        UsajobsSpider, params={"LocationName": "Denver, Colorado", "RemoteIndicator": "True"}
    )

    [request] = spider.initial_requests()

    assert spider.source_key == "usajobs:LocationName=Denver, Colorado,RemoteIndicator=True"
    assert request.url == (
        f"{API}/api/search?LocationName=Denver%2C+Colorado&RemoteIndicator=True"
        "&ResultsPerPage=500&Page=1"
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"params": {"Page": 3}}, "params may not set Page"),
        ({"params": ["Keyword"]}, "params must map"),
        ({"max_pages": 0}, "max_pages must be a whole number"),
    ],
)
def test_invalid_options_are_refused(options, message):
    with pytest.raises(SourceConfigError, match=message):
        parse_entry({"kind": "usajobs", **options}, 1)


@pytest.mark.usefixtures("no_credentials")
def test_without_credentials_nothing_is_requested(make_spider, stats_of, caplog):
    spider = make_spider(UsajobsSpider)

    with caplog.at_level(logging.WARNING):
        assert list(spider.initial_requests()) == []

    assert stats_of(spider) == {"postings/skipped/missing_credentials": 1}
    assert [
        r.getMessage() for r in caplog.records if r.name == "scrapers.kinds.usajobs.spider"
    ] == [
        "usajobs: skipped: set POSTINGS_USAJOBS_API_KEY and POSTINGS_USAJOBS_EMAIL "
        "(source usajobs:all)"
    ]


def test_parse_yields_every_result_of_a_single_page(make_spider, json_response, stats_of):
    """The recorded answer has no paging data and fewer results than a page: it is the last."""
    spider, items = parse(make_spider, json_response)

    assert [item.source_posting_id for item in items] == IDS
    assert stats_of(spider) == {}


def test_parse_maps_a_remote_result(make_spider, json_response, fixture_json):
    record = fixture_json("usajobs/usajobs_1.json")["SearchResult"]["SearchResultItems"][0]

    _, [item, *_] = parse(make_spider, json_response)

    assert item == JobPostingItem(
        source_kind="usajobs",
        source_key="usajobs:all",
        source_posting_id="PHMSA.PSRG-2026-0018",
        url=item.url,
        payload=dump_payload(record),
    )
    assert item.url.startswith(f"{API}/api/search?")
    assert parse_envelope(item) == PostingFields(
        title="General Engineer (Inspector) (Control Room Management) - DIRECT HIRE",
        company_name="Pipeline and Hazardous Materials Safety Administration",
        location="Anywhere in the U.S. (remote job)",
        remote="true",
        posted_at="2026-07-06T00:00:00.0000",
        url="https://www.usajobs.gov:443/job/875440800",
        salary_currency="USD",
        salary_min="106437",
        salary_max="158322",
        salary_interval="Per Year",
        description_format="text",
        description_text="The incumbent of this position serves as a General Engineer (Inspector) "
        "within anywhere in the US and reports to a Regional Office of the Office of "
        "Pipeline Safety in support of the national Control Room Management program.",
    )


def test_parse_maps_a_public_notice_with_a_spaced_id(make_spider, json_response, fixture_json):
    record = fixture_json("usajobs/usajobs_1.json")["SearchResult"]["SearchResultItems"][2]

    _, [*_, item] = parse(make_spider, json_response)

    assert (item.source_posting_id, item.payload) == (
        "AAC-FAA-26-PUB NOT-96468",
        dump_payload(record),
    )
    fields = parse_envelope(item)
    assert (fields.title, fields.company_name, fields.location, fields.remote) == (
        "Public Notice for General Engineer (Direct Hire)",
        "Federal Aviation Administration",
        "May be filled in various FAA duty locations",
        "false",
    )
    assert fields.url == "https://www.usajobs.gov:443/job/852270300"
    assert fields.posted_at == "2025-12-12T00:00:00.0000"
    assert fields.description_text == (
        record["MatchedObjectDescriptor"]["UserArea"]["Details"]["JobSummary"].strip()
    )


def test_parse_asks_for_the_next_page_the_answer_announces(
    make_spider, json_response, fixture_json
):
    _, output = parse(
        make_spider,
        json_response,
        body=paged(fixture_json, NumberOfPages="3"),
        page=2,
        keyword="engineer",
    )

    *items, next_request = output
    assert [item.source_posting_id for item in items] == IDS
    assert isinstance(next_request, Request)
    assert next_request.url == f"{API}/api/search?Keyword=engineer&ResultsPerPage=500&Page=3"
    assert next_request.headers["Authorization-Key"] == KEY.encode()


def test_parse_stops_on_the_last_announced_page(make_spider, json_response, fixture_json):
    _, output = parse(
        make_spider, json_response, body=paged(fixture_json, NumberOfPages="3"), page=3
    )

    assert [item.source_posting_id for item in output] == IDS


def test_parse_counts_pages_from_the_total_when_pages_are_not_given(
    make_spider, json_response, fixture_json
):
    """Synthetic: 1,001 results in all make three pages of 500."""
    document = fixture_json("usajobs/usajobs_1.json")
    document["SearchResult"]["SearchResultCountAll"] = 1001

    _, output = parse(make_spider, json_response, body=json.dumps(document).encode(), page=2)

    assert output[-1].cb_kwargs == {"page": 3}


def test_max_pages_stops_the_run_after_yielding_the_page(make_spider, json_response, fixture_json):
    spider = make_spider(UsajobsSpider, max_pages=2)
    list(spider.initial_requests())
    output = spider.parse(
        json_response(
            "usajobs/usajobs_1.json",
            url=f"{API}/api/search",
            body=paged(fixture_json, NumberOfPages="9"),
        ),
        page=2,
    )

    items = [next(output) for _ in IDS]
    with pytest.raises(CloseSpider) as stopped:
        next(output)

    assert [item.source_posting_id for item in items] == IDS
    assert stopped.value.reason == "max_pages"


def test_a_result_without_any_id_is_counted_and_skipped(
    make_spider, json_response, fixture_json, stats_of
):
    """Synthetic: a copy of usajobs_1.json whose second result has lost its id and descriptor."""
    document = fixture_json("usajobs/usajobs_1.json")
    broken = document["SearchResult"]["SearchResultItems"][1]
    del broken["MatchedObjectDescriptor"]
    del broken["MatchedObjectId"]

    spider, items = parse(make_spider, json_response, body=json.dumps(document).encode())

    assert [item.source_posting_id for item in items] == [IDS[0], IDS[2]]
    assert stats_of(spider) == {"postings/record_error/unparseable_record": 1, "postings/errors": 1}
    assert spider.error_messages == [
        "usajobs:all: record #1: unparseable_record: "
        "ValueError: result has neither MatchedObjectId nor a descriptor's PositionID"
    ]


def test_a_result_without_its_descriptor_is_stored_and_named_by_the_parser(
    make_spider, json_response, fixture_json
):
    """Synthetic: the second result keeps its id but has lost its descriptor: it is stored as
    sent (nothing is lost), and its parser names what is missing (the version's parse error)."""
    document = fixture_json("usajobs/usajobs_1.json")
    del document["SearchResult"]["SearchResultItems"][1]["MatchedObjectDescriptor"]

    _, items = parse(make_spider, json_response, body=json.dumps(document).encode())

    assert [item.source_posting_id for item in items] == IDS
    with pytest.raises(ValueError, match="no MatchedObjectDescriptor"):
        parse_envelope(items[1])


def test_an_answer_without_results_is_counted(make_spider, json_response, stats_of):
    spider, items = parse(make_spider, json_response, body=b'{"SearchResult": null}')

    assert items == []
    assert stats_of(spider) == {"postings/record_error/unexpected_shape": 1, "postings/errors": 1}


def everything_written(result, landing_dir: Path) -> str:
    """The runner's output and every file under the landing directory."""
    files = [
        path.read_text(encoding="utf-8")
        for path in sorted(landing_dir.rglob("*"))
        if path.is_file()
    ]
    return "\n".join([result.log, *files])


def test_crawl_over_http_follows_the_pages_and_never_writes_the_key(
    run_crawl, fixture_json, tmp_path, monkeypatch
):
    monkeypatch.setenv("POSTINGS_LOG_LEVEL", "DEBUG")
    result = run_crawl(
        'sources:\n  - {kind: usajobs, keyword: engineer, api_base: "{replay}", delay: 0}\n',
        [
            Route(
                path="/api/search",
                query={"Page": "1"},
                body=paged(fixture_json, NumberOfPages="2"),
                content_type="application/json",
            ),
            Route(
                path="/api/search",
                query={"Page": "2"},
                body=EMPTY_PAGE,
                content_type="application/json",
            ),
        ],
    )

    manifest = result.manifest("usajobs:keyword=engineer")
    assert (manifest["status"], manifest["postings"], manifest["errors"]) == ("succeeded", 3, 0)
    assert result.requests == [
        "/robots.txt",
        "/api/search?Keyword=engineer&ResultsPerPage=500&Page=1",
        "/api/search?Keyword=engineer&ResultsPerPage=500&Page=2",
    ]
    assert [r["source_posting_id"] for r in result.records] == IDS
    assert "Crawled (200)" in result.log  # the DEBUG log was on
    assert KEY not in everything_written(result, tmp_path / "landing")


@pytest.mark.usefixtures("no_credentials")
def test_crawl_without_credentials_ends_empty_and_says_why(run_crawl):
    result = run_crawl('sources:\n  - {kind: usajobs, api_base: "{replay}", delay: 0}\n', [])

    manifest = result.manifest("usajobs:all")
    assert (manifest["status"], manifest["postings"], manifest["errors"], manifest["requests"]) == (
        "skipped",
        0,
        0,
        0,
    )
    assert manifest["counters"] == {"postings/skipped/missing_credentials": 1}
    assert result.requests == []
    assert (
        "usajobs: skipped: set POSTINGS_USAJOBS_API_KEY and POSTINGS_USAJOBS_EMAIL "
        "(source usajobs:all)"
    ) in result.log
