"""Fast checks of the pieces the bad week leans on: hostile text in linear time, pages that are
not JSON counted, odd values made text by the parsers, redirect loops failed. (The bad week
itself takes minutes; these take a second, so a regression shows up at once.)"""

from __future__ import annotations

import time

import pytest
from scrapy import Request
from scrapy.http import TextResponse

from scrapers.kinds.greenhouse.spider import GreenhouseSpider
from scrapers.kinds.hackernews.parser import parse_hn_comment
from scrapers.normalize import description_text
from scrapers.parsing import PostingFields, text
from tests.reliability.hostile import nested_json, tag_bomb


@pytest.mark.parametrize("description_format", ["html", "html_escaped"])
def test_unclosed_tags_take_linear_time_to_strip(description_format):
    started = time.monotonic()
    description_text(tag_bomb(2 * 1024 * 1024), description_format)
    parse_hn_comment(tag_bomb(1024 * 1024))

    assert time.monotonic() - started < 10  # the old patterns took over an hour


def test_scripts_and_styles_are_dropped_but_an_unclosed_one_keeps_its_text():
    assert description_text("<p>a</p><script>x()</script><STYLE>p{}</style >b", "html") == "a\nb"
    assert description_text("a<script>x()", "html") == "a x()"


def response(body: bytes, url: str = "https://boards.example/v1/boards/acme/jobs") -> TextResponse:
    return TextResponse(
        url=url, body=body, request=Request(url), headers={"Content-Type": "application/json"}
    )


def test_bytes_that_are_not_utf8_are_replaced_counted_and_named(make_spider, stats_of):
    spider = make_spider(GreenhouseSpider, board="acme")

    data = spider.load_json(response(b'{"jobs": [{"title": "\xff\xfeEngineer"}]}'))

    assert data == {"jobs": [{"title": "\ufffd\ufffdEngineer"}]}
    assert stats_of(spider)["postings/record_error/invalid_utf8"] == 1
    assert "greenhouse:acme" in spider.error_messages[0]
    assert "boards/acme/jobs" in spider.error_messages[0]


def test_json_nested_too_deeply_is_a_counted_page_not_a_crash(make_spider, stats_of):
    spider = make_spider(GreenhouseSpider, board="acme")

    assert spider.load_json(response(nested_json(5000).encode())) is None
    assert stats_of(spider)["postings/record_error/invalid_json"] == 1
    assert "nested too deeply" in spider.error_messages[0]


def test_an_envelope_keeps_a_number_id_as_text_repairs_a_lone_surrogate_and_rejects_an_object_id(
    make_spider, stats_of
):
    spider = make_spider(GreenhouseSpider, board="acme")

    item = spider.item(source_posting_id=7, url=None, payload='{"id":7,"content":"x \ud800"}')
    with pytest.raises(TypeError, match="source_posting_id is dict"):
        spider.item(source_posting_id={"value": 1}, url=None, payload="{}")

    assert (item.source_posting_id, item.payload) == ("7", '{"id":7,"content":"x \ufffd"}')
    assert stats_of(spider)["postings/record_error/unexpected_value"] == 1
    [message] = spider.error_messages
    assert message.startswith("greenhouse:acme: record 7: unexpected_value: payload has a lone")


def test_a_parser_reads_odd_values_as_text_or_nothing():
    fields = PostingFields(title=12345, location=["Berlin", "Paris"], posted_at=1700000000000)

    assert (fields.title, fields.location, fields.posted_at) == ("12345", None, "1700000000000")
    assert (text(True), text(float("nan")), text({"a": 1}), text("  x ")) == (
        "true",
        None,
        None,
        "x",
    )


def test_a_redirect_back_to_a_url_already_fetched_fails_its_request(make_spider, stats_of):
    spider = make_spider(GreenhouseSpider, board="acme")
    first = "https://boards.example/jobs"
    looped = Request(
        f"{first}?loop=1", meta={"redirect_urls": [first, f"{first}?loop=1", f"{first}?loop=2"]}
    )

    spider.on_request_dropped(looped)
    spider.on_request_dropped(Request(first))  # a link listed twice: only counted

    assert stats_of(spider) == {
        "postings/request_failed/redirect_loop": 1,
        "postings/errors": 1,
        "postings/skipped/duplicate_request": 1,
    }
    assert spider.error_messages == [
        f"greenhouse:acme: request {first} failed: redirect_loop "
        f"(redirected back to {first}?loop=1 after 3 redirects)"
    ]


@pytest.mark.parametrize(
    "record_id",
    [float("nan"), float("inf"), float("-inf"), "nan", "NaN", "inf", "-Infinity", " infinity "],
)
def test_an_id_that_is_not_finite_rejects_its_record_counted_and_named(
    make_spider, stats_of, record_id
):
    from tests.reliability.conftest import outcome

    spider = make_spider(GreenhouseSpider, board="acme")
    records = [{"id": record_id, "title": "Engineer"}, {"id": 8, "title": "Engineer"}]

    items = list(
        spider.each_record(
            records,
            lambda job: spider.item(source_posting_id=job["id"], url=None, payload="{}"),
            lambda job: job["id"],
        )
    )

    ok = [item.source_posting_id for item in items] == ["8"] and stats_of(spider).get(
        "postings/record_error/not_finite_id"
    ) == 1
    outcome(
        "record",
        f"id {record_id!r}",
        "greenhouse:acme",
        "rejected, counted",
        "rejected" if ok else "stored",
        ok,
    )
    assert [item.source_posting_id for item in items] == ["8"]
    assert stats_of(spider)["postings/record_error/not_finite_id"] == 1
    assert "not a finite number" in spider.error_messages[0]
