"""The validate pipeline drops, counts and names envelopes that are not postings.

An envelope needs its source, its id and a payload; a payload without a title is stored all
the same (the parser's fields are checked downstream, where a parser fix can still read it).
"""

from __future__ import annotations

import pytest
from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from scrapers.items import JobPostingItem
from scrapers.pipelines.validate import ValidateJobPostingPipeline


def posting(**overrides) -> JobPostingItem:
    fields = {
        "source_kind": "greenhouse",
        "source_key": "greenhouse:anthropic",
        "source_posting_id": "5311686008",
        "url": "https://job-boards.greenhouse.io/anthropic/jobs/5311686008",
        "payload": '{"id":5311686008}',
    }
    return JobPostingItem(**{**fields, **overrides})


@pytest.fixture
def pipeline_and_stats():
    crawler = get_crawler(Spider)
    return ValidateJobPostingPipeline.from_crawler(crawler), crawler.stats


def test_a_complete_posting_passes(pipeline_and_stats):
    pipeline, stats = pipeline_and_stats
    item = posting()

    assert pipeline.process_item(item) is item
    assert not {k: v for k, v in stats.get_stats().items() if k.startswith("postings/")}


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"payload": "   "}, "missing_payload"),
        ({"source_posting_id": ""}, "missing_source_posting_id"),
        ({"payload": ""}, "missing_payload"),
    ],
)
def test_drops_and_counts_a_posting_without_a_required_field(pipeline_and_stats, overrides, reason):
    pipeline, stats = pipeline_and_stats

    with pytest.raises(DropItem, match=r"greenhouse:anthropic: record .*: missing"):
        pipeline.process_item(posting(**overrides))

    assert stats.get_value(f"postings/item_dropped/{reason}") == 1
    assert stats.get_value("postings/errors") == 1


def test_drop_message_names_source_record_url_and_field(pipeline_and_stats):
    pipeline, _ = pipeline_and_stats

    with pytest.raises(DropItem) as raised:
        pipeline.process_item(posting(payload=""))

    assert str(raised.value) == (
        "greenhouse:anthropic: record 5311686008 "
        "(https://job-boards.greenhouse.io/anthropic/jobs/5311686008): missing payload"
    )


def test_drops_and_counts_a_repeated_id_keeping_the_first(pipeline_and_stats):
    pipeline, stats = pipeline_and_stats
    first = posting()
    pipeline.process_item(first)

    with pytest.raises(DropItem, match="id repeated in this run"):
        pipeline.process_item(posting(payload='{"id":5311686008,"title":"Another title"}'))

    assert stats.get_value("postings/item_dropped/duplicate_id") == 1
    assert stats.get_value("postings/errors") is None


def test_the_same_id_from_two_sources_is_not_a_repeat(pipeline_and_stats):
    pipeline, _ = pipeline_and_stats
    pipeline.process_item(posting())

    other = posting(source_key="greenhouse:other")

    assert pipeline.process_item(other) is other
