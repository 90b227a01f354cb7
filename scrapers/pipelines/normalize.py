"""Derive the plain-text description every downstream model reads."""

from __future__ import annotations

from scrapers.items import JobPostingItem
from scrapers.normalize import description_text


class NormalizeJobPostingPipeline:
    """Set ``description_text`` from the description as published."""

    def process_item(self, item: JobPostingItem) -> JobPostingItem:
        item.description_text = description_text(item.description, item.description_format)
        return item
