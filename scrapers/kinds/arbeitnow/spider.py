"""Spider for Arbeitnow (https://www.arbeitnow.com), a job board for Germany and Europe, through
its public Job Board API.

Endpoint: ``GET {api_base}/api/job-board-api?page=N`` (default host www.arbeitnow.com), about
100 jobs a page, newest first. Laravel pagination: ``links.next`` names the next page and is
null on the last one (``meta`` has ``current_page``, and ``last_page`` when the API counts the
pages); an answer without ``links`` and ``meta`` (as recorded, trimmed) is followed page after
page until a page comes back empty. ``max_pages`` (default 30) bounds a run; a run stopped by it
while the API names a next page ends with the reason ``max_pages``, so it is ``partial`` and
closes no posting it did not reach.

A job has no id but a ``slug`` (unique, it ends in a number), its posting id. Each job is
stored as it came; ``parser.py`` reads it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from scrapy.exceptions import CloseSpider

from scrapers.spiders.base import PostingsSpider

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response

logger = logging.getLogger(__name__)

#: Pages read in one run unless the entry says otherwise (about 3,000 jobs).
DEFAULT_MAX_PAGES = 30


def next_page_number(data: dict[str, Any], page: int) -> int | None:
    """The page after ``page``, as the answer's pagination says; None after the last page."""
    links = data.get("links")
    if isinstance(links, dict):
        next_url = links.get("next")
        if not next_url:
            return None
        numbers = parse_qs(urlsplit(str(next_url)).query).get("page", [])
        return (
            int(numbers[0])
            if numbers and numbers[0].isdigit() and int(numbers[0]) > page
            else page + 1
        )
    meta = data.get("meta")
    if isinstance(meta, dict) and str(meta.get("last_page", "")).isdigit():
        return page + 1 if page < int(meta["last_page"]) else None
    return page + 1  # no pagination data: go on until a page is empty


class ArbeitnowSpider(PostingsSpider):
    """Every Arbeitnow job, page by page: ``{kind: arbeitnow, max_pages: 30}``."""

    name = "arbeitnow"
    default_api_base = "https://www.arbeitnow.com"

    @classmethod
    def validate_options(cls, options: dict[str, Any]) -> str:
        """Check ``max_pages``; key ``arbeitnow:all`` unless the entry is named."""
        max_pages = options.get("max_pages", DEFAULT_MAX_PAGES)
        if isinstance(max_pages, bool) or not isinstance(max_pages, int) or max_pages < 1:
            raise ValueError(f"max_pages must be a whole number of at least 1, got {max_pages!r}")
        return f"{cls.name}:{options.get('name') or 'all'}"

    def page_request(self, page: int) -> Request:
        """One page of the job board."""
        return self.request(
            f"{self.api_base}/api/job-board-api?page={page}", self.parse, cb_kwargs={"page": page}
        )

    def initial_requests(self) -> Iterable[Request]:
        yield self.page_request(1)

    def parse(self, response: Response, page: int = 1, **kwargs: Any) -> Iterator[Any]:
        """Yield the page's jobs, then ask for the next page while there is one."""
        data = self.load_json(response)
        if data is None:
            return
        jobs = data.get("data") if isinstance(data, dict) else None
        if not isinstance(jobs, list):
            self.record_error("unexpected_shape", response.url, "no 'data' list in the response")
            return
        yield from self.envelopes(jobs, response, lambda job: job["slug"])
        following = next_page_number(data, page) if jobs else None
        if following is None:
            return
        max_pages = int(self.options.get("max_pages", DEFAULT_MAX_PAGES))
        if page >= max_pages:
            logger.info(
                "%s: stopping after max_pages=%d; the API has more pages",
                self.source_key,
                max_pages,
            )
            raise CloseSpider("max_pages")
        yield self.page_request(following)
