"""Drop, count and name records that are not postings, and repeated ids within one run.

Each drop's message (source, record id, what was wrong) goes to the log and to the run's
manifest (``error_summary``), not only to Scrapy's log line.
"""

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

    def __init__(self, stats: StatsCollector, crawler: Crawler | None = None) -> None:
        self.stats = stats
        self.crawler = crawler
        self.seen: set[tuple[str, str]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        return cls(crawler.stats, crawler)

    def drop(self, message: str) -> DropItem:
        """The DropItem to raise, its message kept for the run's manifest."""
        keep_message = getattr(self.crawler.spider if self.crawler else None, "keep_message", None)
        if keep_message is not None:
            keep_message(message)
        return DropItem(message)

    def process_item(self, item: JobPostingItem) -> JobPostingItem:
        missing = [name for name in REQUIRED_FIELDS if not (getattr(item, name) or "").strip()]
        if missing:
            reason = f"missing_{missing[0]}"
            self.stats.inc_value(f"postings/item_dropped/{reason}")
            self.stats.inc_value("postings/errors")
            raise self.drop(
                f"{item.source_key}: record {item.source_posting_id or '?'} "
                f"({item.url or 'no url'}): missing {', '.join(missing)}"
            )
        key = (item.source_key, item.source_posting_id)
        if key in self.seen:
            self.stats.inc_value("postings/item_dropped/duplicate_id")
            raise self.drop(
                f"{item.source_key}: record {item.source_posting_id}: id repeated in this run; "
                "kept the first"
            )
        self.seen.add(key)
        return item
