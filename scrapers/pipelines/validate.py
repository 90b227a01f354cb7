"""Drop, count and name records that are not postings, and repeated ids within one run."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Self

from scrapy.exceptions import DropItem

from scrapers.items import REQUIRED_FIELDS, JobPostingItem

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


class ValidateJobPostingPipeline:
    """Raise DropItem, and count it, when a required field is empty or an id repeats."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats
        self.seen: set[tuple[str, str]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_item(self, item: JobPostingItem) -> JobPostingItem:
        missing = [name for name in REQUIRED_FIELDS if not (getattr(item, name) or "").strip()]
        if missing:
            reason = f"missing_{missing[0]}"
            self.stats.inc_value(f"postings/item_dropped/{reason}")
            self.stats.inc_value("postings/errors")
            raise DropItem(
                f"{item.source_key}: record {item.source_posting_id or '?'} "
                f"({item.url or 'no url'}): missing {', '.join(missing)}"
            )
        key = (item.source_key, item.source_posting_id)
        if key in self.seen:
            self.stats.inc_value("postings/item_dropped/duplicate_id")
            raise DropItem(
                f"{item.source_key}: record {item.source_posting_id}: id repeated in this run; "
                "kept the first"
            )
        self.seen.add(key)
        return item
