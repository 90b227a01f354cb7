"""The Workable spider and parser on recorded job widget answers."""

from __future__ import annotations

import json

import pytest

from scrapers.items import JobPostingItem
from scrapers.kinds import parse_envelope
from scrapers.kinds.workable.spider import WorkableSpider
from scrapers.normalize import description_text
from scrapers.parsing import PostingFields
from scrapers.spiders.base import dump_payload

API = "https://apply.workable.com"


def widget_url(account: str) -> str:
    return f"{API}/api/v1/widget/accounts/{account}?details=true"


def parse(make_spider, json_response, fixture_file_name: str, account: str, **options) -> tuple:
    spider = make_spider(WorkableSpider, account=account, **options)
    response = json_response(f"workable/{fixture_file_name}", url=widget_url(account))
    return spider, list(spider.parse(response))


def test_first_request_asks_for_the_widget_with_details(make_spider):
    spider = make_spider(WorkableSpider, account="huggingface")

    [request] = spider.initial_requests()

    assert request.url == widget_url("huggingface")
    assert request.callback == spider.parse
    assert request.errback == spider.on_request_failed


@pytest.mark.parametrize(
    ("fixture_file_name", "account", "expected_ids", "expected_counters"),
    [
        ("workable_1.json", "huggingface", ["F4C096B22E", "19A136F8E2", "0BD8C06DB3"], {}),
        # Two rows, one per country, of the same job: one item.
        ("workable_2.json", "zaelab", ["DD136DD7E7"], {"postings/merged/repeated_shortcode": 1}),
    ],
)
def test_parse_yields_one_item_per_job(
    make_spider,
    json_response,
    stats_of,
    fixture_file_name,
    account,
    expected_ids,
    expected_counters,
):
    spider, items = parse(make_spider, json_response, fixture_file_name, account)

    assert [item.source_posting_id for item in items] == expected_ids
    assert {item.source_key for item in items} == {f"workable:{account}"}
    assert stats_of(spider) == expected_counters


def test_parse_yields_envelopes_with_the_job_as_sent(make_spider, json_response, fixture_json):
    [job, *_] = fixture_json("workable/workable_1.json")["jobs"]

    _, [item, *_] = parse(make_spider, json_response, "workable_1.json", "huggingface")

    assert item == JobPostingItem(
        source_kind="workable",
        source_key="workable:huggingface",
        source_posting_id="F4C096B22E",
        url=widget_url("huggingface"),
        payload=dump_payload(job),
        payload_format="json",
        source_context={"company": "Hugging Face"},
    )
    assert json.loads(item.payload)["function"] == "Engineering"


def test_the_entry_company_wins_over_the_account_name(make_spider, json_response):
    _, items = parse(
        make_spider, json_response, "workable_1.json", "huggingface", company="Hugging Face (HF)"
    )

    assert {tuple(item.source_context.items()) for item in items} == {
        (("company", "Hugging Face (HF)"),)
    }


def test_a_job_listed_in_two_countries_is_one_envelope_with_both_rows(
    make_spider, json_response, fixture_json
):
    """Zaelab's job is listed once for Spain and once for Portugal under one shortcode."""
    spain, portugal = fixture_json("workable/workable_2.json")["jobs"]
    assert spain["shortcode"] == portugal["shortcode"]

    _, [item] = parse(make_spider, json_response, "workable_2.json", "zaelab")

    assert item == JobPostingItem(
        source_kind="workable",
        source_key="workable:zaelab",
        source_posting_id="DD136DD7E7",
        url=widget_url("zaelab"),
        payload=dump_payload([spain, portugal]),
        payload_format="json",
        source_context={"company": "Zaelab"},
    )


def test_parser_maps_a_remote_job(make_spider, json_response):
    """Workable marks the Paris location ``hidden`` (the title says EMEA Remote); it is kept."""
    _, [item, *_] = parse(make_spider, json_response, "workable_1.json", "huggingface")

    assert parse_envelope(item) == PostingFields(
        title="Low-level Senior Software Engineer, Xet Storage - EMEA Remote",
        company_name="Hugging Face",
        location="Paris, Île-de-France, France",
        country="FR",
        region="Île-de-France",
        city="Paris",
        remote="remote",
        department="Product",
        employment_type="Full-time",
        posted_at="2026-07-30",
        url="https://apply.workable.com/j/F4C096B22E",
        apply_url="https://apply.workable.com/j/F4C096B22E/apply",
        industry_labels=["Computer Software"],
    )


def test_parser_keeps_a_country_without_a_city(make_spider, json_response):
    """The "Wild Card" job has an empty city and a null region: the place is the country."""
    _, items = parse(
        make_spider, json_response, "workable_1.json", "huggingface", company="Hugging Face (HF)"
    )

    fields = parse_envelope(items[2])

    assert (
        fields.title,
        fields.company_name,
        fields.location,
        fields.country,
        fields.region,
        fields.city,
        fields.department,
        fields.posted_at,
        fields.url,
    ) == (
        "Wild Card",
        "Hugging Face (HF)",
        "United States",
        "US",
        None,
        None,
        "Wild Card",
        "2024-10-17",
        "https://apply.workable.com/j/0BD8C06DB3",
    )


def test_parser_names_every_place_of_a_job_advertised_in_two_countries(make_spider, json_response):
    _, [item] = parse(make_spider, json_response, "workable_2.json", "zaelab")

    fields = parse_envelope(item)

    assert (
        fields.title,
        fields.company_name,
        fields.location,
        fields.country,
        fields.remote,
        fields.department,
        fields.employment_type,
        fields.posted_at,
        fields.apply_url,
    ) == (
        "Business Analyst - Spanish Speaking",
        "Zaelab",
        "Spain; Portugal",
        None,
        "remote",
        "Business Consulting",
        None,
        "2026-08-05",
        None,
    )


def test_parser_reads_the_top_level_place_of_an_older_row():
    """Synthetic: a row without ``locations``, and one that is not remote."""
    fields = parse_envelope(
        {
            "source_kind": "workable",
            "source_key": "workable:acme",
            "source_posting_id": "A1",
            "payload": '{"shortcode":"A1","title":"Engineer","telecommuting":false,'
            '"city":"Berlin","state":"","country":"Germany","created_at":"2026-01-02"}',
        }
    )

    assert (
        fields.company_name,
        fields.location,
        fields.country,
        fields.city,
        fields.remote,
        fields.posted_at,
    ) == ("acme", "Berlin, Germany", "Germany", None, None, "2026-01-02")


def test_parser_joins_the_description_parts(fixture_json):
    """Synthetic: workable_1.json's first job with the ``details=true`` HTML parts."""
    [job, *_] = fixture_json("workable/workable_1.json")["jobs"]
    job.update(description="<p>About</p>", requirements="<ul><li>Rust</li></ul>")

    fields = parse_envelope(
        {
            "source_kind": "workable",
            "source_key": "workable:huggingface",
            "source_posting_id": job["shortcode"],
            "payload": dump_payload(job),
        }
    )

    assert fields.description_format == "html"
    assert fields.description_text == description_text("<p>About</p><ul><li>Rust</li></ul>", "html")
    assert "Rust" in fields.description_text
    assert "<" not in fields.description_text


def test_broken_job_is_counted_and_skipped(make_spider, json_response, fixture_json, stats_of):
    """Synthetic: a copy of workable_1.json whose second job has lost its ``shortcode``."""
    document = fixture_json("workable/workable_1.json")
    del document["jobs"][1]["shortcode"]
    spider = make_spider(WorkableSpider, account="huggingface")
    response = json_response(
        "workable/workable_1.json",
        url=widget_url("huggingface"),
        body=json.dumps(document).encode(),
    )

    items = list(spider.parse(response))

    assert [item.source_posting_id for item in items] == ["F4C096B22E", "0BD8C06DB3"]
    assert stats_of(spider) == {"postings/record_error/unparseable_record": 1, "postings/errors": 1}
    assert spider.error_messages == [
        "workable:huggingface: record #1: unparseable_record: KeyError: 'shortcode'"
    ]


def test_an_answer_without_jobs_is_counted(make_spider, json_response, stats_of):
    spider = make_spider(WorkableSpider, account="nobody")
    response = json_response(
        "workable/workable_1.json", url=widget_url("nobody"), body=b'{"error": "Not found"}'
    )

    assert list(spider.parse(response)) == []
    assert stats_of(spider) == {"postings/record_error/unexpected_shape": 1, "postings/errors": 1}


def test_crawl_over_http_lands_every_job(run_crawl, route_to):
    result = run_crawl(
        "sources:\n"
        '  - {kind: workable, account: huggingface, api_base: "{replay}", delay: 0}\n'
        '  - {kind: workable, account: zaelab, api_base: "{replay}", delay: 0}\n',
        [
            route_to(
                "/api/v1/widget/accounts/huggingface",
                "workable/workable_1.json",
                query={"details": "true"},
            ),
            route_to(
                "/api/v1/widget/accounts/zaelab",
                "workable/workable_2.json",
                query={"details": "true"},
            ),
        ],
    )

    huggingface = result.manifest("workable:huggingface")
    assert (huggingface["status"], huggingface["postings"], huggingface["errors"]) == (
        "succeeded",
        3,
        0,
    )
    assert [r["source_posting_id"] for r in result.records_of("workable:huggingface")] == [
        "F4C096B22E",
        "19A136F8E2",
        "0BD8C06DB3",
    ]
    zaelab = result.manifest("workable:zaelab")
    assert (zaelab["status"], zaelab["postings"], zaelab["errors"]) == ("succeeded", 1, 0)
    assert zaelab["counters"]["postings/merged/repeated_shortcode"] == 1
    [merged] = result.records_of("workable:zaelab")
    assert "location" not in merged  # nothing parsed at crawl
    fields = parse_envelope(merged)
    assert (fields.company_name, fields.location) == ("Zaelab", "Spain; Portugal")
    assert sorted(result.requests) == [
        "/api/v1/widget/accounts/huggingface?details=true",
        "/api/v1/widget/accounts/zaelab?details=true",
        "/robots.txt",  # once for the host of both accounts: one crawler for the night
    ]
