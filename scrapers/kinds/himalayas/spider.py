"""Spider for Himalayas (https://himalayas.app), a board of remote jobs, through its public API.

Endpoint: ``GET {api_base}/jobs/api?limit=20&offset=N`` (default host himalayas.app), newest
first. The answer says where it is (``offset``, ``limit``) and how many jobs the board has
(``totalCount``, over 100,000), beside a ``comments`` notice of API changes. The API serves at
most 20 jobs a request and answers 429 to callers that go too fast, so a run reads
``max_pages`` pages (default 50: the newest 1,000 jobs); a run stopped by that bound while
``totalCount`` says there is more ends with the reason ``max_pages``, so it is ``partial`` and
closes no posting it did not reach. The next offset is this one plus the jobs received (the
server may send fewer than asked); an empty page ends the run.

A job has no id: ``guid`` (its page URL) is the posting id. Each job is stored as it came;
``parser.py`` reads it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import CloseSpider

from scrapers.spiders.base import PostingsSpider

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response

logger = logging.getLogger(__name__)

#: Jobs per request: the API's maximum.
PAGE_SIZE = 20
#: Pages read in one run unless the entry says otherwise.
DEFAULT_MAX_PAGES = 50


class HimalayasSpider(PostingsSpider):
    """The newest Himalayas jobs: ``{kind: himalayas, max_pages: 50}``."""

    name = "himalayas"
    default_api_base = "https://himalayas.app"

    @classmethod
    def validate_options(cls, options: dict[str, Any]) -> str:
        """Check ``max_pages``; key ``himalayas:all`` unless the entry is named."""
        max_pages = options.get("max_pages", DEFAULT_MAX_PAGES)
        if isinstance(max_pages, bool) or not isinstance(max_pages, int) or max_pages < 1:
            raise ValueError(f"max_pages must be a whole number of at least 1, got {max_pages!r}")
        return f"{cls.name}:{options.get('name') or 'all'}"

    def page_request(self, offset: int, page: int) -> Request:
        """The page of jobs starting at ``offset`` (``page`` counts the pages of this run)."""
        return self.request(
            f"{self.api_base}/jobs/api?limit={PAGE_SIZE}&offset={offset}",
            self.parse,
            cb_kwargs={"offset": offset, "page": page},
        )

    def initial_requests(self) -> Iterable[Request]:
        yield self.page_request(0, 1)

    def parse(
        self, response: Response, offset: int = 0, page: int = 1, **kwargs: Any
    ) -> Iterator[Any]:
        """Yield the page's jobs, then ask for the next page while ``totalCount`` says so."""
        data = self.load_json(response)
        if data is None:
            return
        jobs = data.get("jobs") if isinstance(data, dict) else None
        if not isinstance(jobs, list):
            self.record_error("unexpected_shape", response.url, "no 'jobs' list in the response")
            return
        yield from self.envelopes(jobs, response, lambda job: job["guid"])
        next_offset = offset + len(jobs)
        total = data.get("totalCount")
        if not jobs or (isinstance(total, int) and next_offset >= total):
            return
        max_pages = int(self.options.get("max_pages", DEFAULT_MAX_PAGES))
        if page >= max_pages:
            logger.info(
                "%s: stopping after max_pages=%d at offset %d of %s jobs",
                self.source_key,
                max_pages,
                next_offset,
                total,
            )
            raise CloseSpider("max_pages")
        yield self.page_request(next_offset, page + 1)
