"""The Adzuna kind (spider and parser) on a recorded Search API answer (tests/fixtures/adzuna/),
and the promise that its credentials never reach a log, a landing file or a manifest."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import CloseSpider

from scrapers.items import JobPostingItem
from scrapers.kinds import parse_envelope
from scrapers.kinds.adzuna.spider import AdzunaSpider
from scrapers.parsing import PostingFields
from scrapers.sources import SourceConfigError, parse_entry
from scrapers.spiders.base import dump_payload
from warehouse.config import get_settings

API = "https://api.adzuna.com"
APP_ID = "fakeid77"
APP_KEY = "sekret-XYZ"
#: The ``utm_source`` of every recorded ``redirect_url``: the recording project's app_id.
RECORDED_APP_ID = "d6920beb"
IDS = ["5801147013", "5801265421", "5801264268", "5801171816"]


def use_credentials(monkeypatch, app_id: str = APP_ID, app_key: str = APP_KEY) -> None:
    """Put credentials in the environment (the crawler child process inherits it too)."""
    monkeypatch.setenv("POSTINGS_ADZUNA_APP_ID", app_id)
    monkeypatch.setenv("POSTINGS_ADZUNA_APP_KEY", app_key)
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def credentials(monkeypatch):
    use_credentials(monkeypatch)
    yield
    get_settings.cache_clear()


def page_url(page: int = 1, country: str = "us") -> str:
    """The search page's URL as the spider asks for it: the credentials are in the query."""
    return (
        f"{API}/v1/api/jobs/{country}/search/{page}?app_id={APP_ID}&app_key={APP_KEY}"
        "&results_per_page=50"
    )


def parse(make_spider, json_response, body: bytes | None = None, page: int = 1, **options) -> tuple:
    spider = make_spider(AdzunaSpider, **{"country": "us", **options})
    list(spider.initial_requests())  # reads the credentials
    response = json_response("adzuna/adzuna_1.json", url=page_url(page), body=body)
    return spider, list(spider.parse(response, page=page))


def test_first_request_puts_the_credentials_in_the_query(make_spider):
    spider = make_spider(AdzunaSpider, what="data engineer")

    [request] = spider.initial_requests()

    assert spider.source_key == "adzuna:country=gb,what=data engineer"
    assert request.url == (
        f"{API}/v1/api/jobs/gb/search/1?app_id={APP_ID}&app_key={APP_KEY}"
        "&results_per_page=50&what=data+engineer"
    )
    assert request.cb_kwargs == {"page": 1}
    assert request.errback == spider.on_request_failed


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"country": "uk"}, "country must be one of"),
        ({"country": "GB"}, "country must be one of"),
        ({"max_pages": "5"}, "max_pages must be a whole number"),
    ],
)
def test_invalid_options_are_refused(options, message):
    with pytest.raises(SourceConfigError, match=message):
        parse_entry({"kind": "adzuna", **options}, 1)


def test_without_credentials_nothing_is_requested(make_spider, stats_of, caplog, monkeypatch):
    use_credentials(monkeypatch, app_key="")
    spider = make_spider(AdzunaSpider)

    with caplog.at_level(logging.WARNING):
        assert list(spider.initial_requests()) == []

    assert stats_of(spider) == {"postings/skipped/missing_credentials": 1}
    assert [r.getMessage() for r in caplog.records if r.name == "scrapers.kinds.adzuna.spider"] == [
        "adzuna: skipped: set POSTINGS_ADZUNA_APP_ID and POSTINGS_ADZUNA_APP_KEY "
        "(source adzuna:country=gb)"
    ]


def test_parse_yields_every_result_then_asks_for_the_next_page(
    make_spider, json_response, stats_of
):
    """``count`` is 29,378: more pages follow even though the recorded page was trimmed to 4."""
    spider, output = parse(make_spider, json_response)

    *items, next_request = output
    assert [item.source_posting_id for item in items] == IDS
    assert isinstance(next_request, Request)
    assert next_request.url == (
        f"{API}/v1/api/jobs/us/search/2?app_id={APP_ID}&app_key={APP_KEY}&results_per_page=50"
    )
    assert stats_of(spider) == {}


def test_parse_stores_each_result_as_sent_under_a_url_without_credentials(
    make_spider, json_response, fixture_json
):
    job = fixture_json("adzuna/adzuna_1.json")["results"][0]

    spider, [item, *_] = parse(make_spider, json_response)

    assert item == JobPostingItem(
        source_kind="adzuna",
        source_key="adzuna:country=us",
        source_posting_id="5801147013",
        url=f"{API}/v1/api/jobs/us/search/1?results_per_page=50",
        payload=dump_payload(job),
    )
    assert APP_KEY not in item.url
    assert APP_ID not in item.url
    assert "postings/redacted/secret_in_record" not in spider.crawler.stats.get_stats()


def test_parser_reads_a_result_with_a_stated_salary(make_spider, json_response, fixture_json):
    job = fixture_json("adzuna/adzuna_1.json")["results"][0]

    _, [item, *_] = parse(make_spider, json_response)

    assert parse_envelope(item) == PostingFields(
        title="Senior Software Developer",
        company_name="SSG",
        location="State Farm, Arlington County",
        country="US",
        region="Virginia",
        employment_type="full_time",
        posted_at="2026-07-15T08:33:45Z",
        url="https://www.adzuna.com/details/5801147013?utm_medium=api&utm_source=d6920beb",
        salary_currency="USD",
        salary_min="85389",
        salary_max="116975",
        salary_interval="year",
        description_format="text",
        description_text=job["description"],
    )
    assert job["description"].endswith("Design, build, and maintain…")


def test_parse_masks_a_configured_app_id_in_the_redirect_url_and_payload(
    make_spider, json_response, fixture_json, stats_of, monkeypatch
):
    """Adzuna names the caller's app_id as ``utm_source``: with the recording's own app_id
    configured, it is masked in the URL and in the payload, and counted."""
    use_credentials(monkeypatch, app_id=RECORDED_APP_ID)
    job = fixture_json("adzuna/adzuna_1.json")["results"][2]

    spider, [_, _, item, _, _] = parse(make_spider, json_response)

    masked_url = (
        "https://www.adzuna.com/land/ad/5801264268?se=VDsBa16A8RGDMNFo9qkXsw"
        "&utm_medium=api&utm_source=***&v=F22BBB91F40AE5D80B64DB6DF0067630E1774355"
    )
    assert parse_envelope(item).url == masked_url
    masked_job = {**job, "redirect_url": masked_url}
    assert item.payload == dump_payload(masked_job)
    assert RECORDED_APP_ID not in item.payload
    assert stats_of(spider) == {"postings/redacted/secret_in_record": 4}


def test_parser_leaves_out_a_predicted_salary(make_spider, json_response, fixture_json):
    """``salary_is_predicted`` "1": the salary in the payload is Adzuna's estimate, not pay."""
    job = fixture_json("adzuna/adzuna_1.json")["results"][1]

    _, [_, item, *_] = parse(make_spider, json_response)

    fields = parse_envelope(item)
    assert (fields.title, fields.company_name, fields.location, fields.employment_type) == (
        "Manager of ETL Development",
        "Center For Health Information And Analysis",
        "Boston, Suffolk County",
        None,
    )
    assert fields.posted_at == "2026-07-15T10:13:04Z"
    assert (job["salary_is_predicted"], job["salary_min"]) == ("1", 119025.7)
    assert (fields.salary_min, fields.salary_max, fields.salary_currency) == (None, None, None)


def test_parse_stops_when_count_is_reached(make_spider, json_response, fixture_json):
    """Synthetic: the recorded page with ``count`` lowered so that page 3 is the last."""
    document = fixture_json("adzuna/adzuna_1.json")
    document["count"] = 104

    _, output = parse(make_spider, json_response, body=json.dumps(document).encode(), page=3)

    assert [item.source_posting_id for item in output] == IDS


def test_an_empty_page_ends_the_crawl(make_spider, json_response, stats_of):
    spider, output = parse(
        make_spider, json_response, body=b'{"count": 29378, "results": []}', page=4
    )

    assert output == []
    assert stats_of(spider) == {}


def test_max_pages_stops_the_run_after_yielding_the_page(make_spider, json_response):
    spider = make_spider(AdzunaSpider, max_pages=1)
    list(spider.initial_requests())
    output = spider.parse(
        json_response("adzuna/adzuna_1.json", url=f"{API}/v1/api/jobs/gb/search/1"), page=1
    )

    items = [next(output) for _ in IDS]
    with pytest.raises(CloseSpider) as stopped:
        next(output)

    assert [item.source_posting_id for item in items] == IDS
    assert stopped.value.reason == "max_pages"


def test_broken_result_is_counted_and_skipped(make_spider, json_response, fixture_json, stats_of):
    """Synthetic: a copy of adzuna_1.json whose last result has lost its ``id``."""
    document = fixture_json("adzuna/adzuna_1.json")
    del document["results"][3]["id"]

    spider, output = parse(make_spider, json_response, body=json.dumps(document).encode())

    assert [item.source_posting_id for item in output[:-1]] == IDS[:3]
    assert stats_of(spider) == {"postings/record_error/unparseable_record": 1, "postings/errors": 1}
    assert spider.error_messages == [
        "adzuna:country=us: record #3: unparseable_record: KeyError: 'id'"
    ]


def everything_written(result, landing_dir: Path) -> str:
    """The runner's stdout and stderr and every file under the landing directory."""
    files = [
        path.read_text(encoding="utf-8")
        for path in sorted(landing_dir.rglob("*"))
        if path.is_file()
    ]
    return "\n".join([result.log, *files])


def test_crawl_never_writes_the_credentials(run_crawl, route_to, tmp_path, monkeypatch):
    """At DEBUG, Scrapy logs every URL and the failed page 2 (a 404) puts its URL in the error
    summary: the key and id must still appear nowhere, masked as ``***``."""
    monkeypatch.setenv("POSTINGS_LOG_LEVEL", "DEBUG")

    result = run_crawl(
        'sources:\n  - {kind: adzuna, country: us, api_base: "{replay}", delay: 0}\n',
        [route_to("/v1/api/jobs/us/search/1", "adzuna/adzuna_1.json")],
    )

    # The server did receive the credentials: the test is not vacuous.
    assert result.requests == [
        "/robots.txt",
        f"/v1/api/jobs/us/search/1?app_id={APP_ID}&app_key={APP_KEY}&results_per_page=50",
        f"/v1/api/jobs/us/search/2?app_id={APP_ID}&app_key={APP_KEY}&results_per_page=50",
    ]
    manifest = result.manifest("adzuna:country=us")
    assert (manifest["status"], manifest["postings"], manifest["errors"]) == ("partial", 4, 1)
    assert manifest["counters"]["postings/request_failed/http_404"] == 1
    assert (
        "/v1/api/jobs/us/search/2?app_id=***&app_key=***&results_per_page=50 failed: http_404"
    ) in manifest["error_summary"]
    assert "Crawled (404) <GET http" in result.log
    assert "app_key=***" in result.log
    written = everything_written(result, tmp_path / "landing")
    assert APP_KEY not in written
    assert APP_ID not in written
    assert parse_envelope(result.records[0]).url == (
        "https://www.adzuna.com/details/5801147013?utm_medium=api&utm_source=d6920beb"
    )
    assert result.records[0]["url"].endswith("/v1/api/jobs/us/search/1?results_per_page=50")


def test_crawl_without_credentials_ends_empty_and_says_why(run_crawl, monkeypatch):
    use_credentials(monkeypatch, app_id="")

    result = run_crawl('sources:\n  - {kind: adzuna, api_base: "{replay}", delay: 0}\n', [])

    manifest = result.manifest("adzuna:country=gb")
    assert (manifest["status"], manifest["postings"], manifest["errors"], manifest["requests"]) == (
        "skipped",
        0,
        0,
        0,
    )
    assert manifest["counters"] == {"postings/skipped/missing_credentials": 1}
    assert result.requests == []
    assert (
        "adzuna: skipped: set POSTINGS_ADZUNA_APP_ID and POSTINGS_ADZUNA_APP_KEY "
        "(source adzuna:country=gb)"
    ) in result.log
