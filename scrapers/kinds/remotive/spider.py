"""Spider for Remotive (https://remotive.com), a board of remote jobs, through its public API.

Endpoint: ``GET {api_base}/api/remote-jobs`` (default host remotive.com), with the optional
filters ``category`` (a category slug such as ``software-dev``), ``search`` (free text) and
``limit`` (how many jobs). One request returns every matching job; there are no pages. Beside
``jobs`` the answer carries notices (``00-warning``, ``0-legal-notice``: jobs are delayed by 24
hours, link back to Remotive, call the API at most about four times a day) and counts
(``job-count``, ``total-job-count``). Each job is stored as it came; ``parser.py`` reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from scrapers.items import JobPostingItem
from scrapers.spiders.base import PostingsSpider

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response

#: The API's filters, in the order they go into the query and the source key.
FILTER_OPTIONS = ("category", "search")


class RemotiveSpider(PostingsSpider):
    """Remotive's jobs, optionally filtered: ``{kind: remotive, category: software-dev}``."""

    name = "remotive"
    default_api_base = "https://remotive.com"

    @classmethod
    def validate_options(cls, options: dict[str, Any]) -> str:
        """Check ``limit``; key ``remotive:<filters>`` (``remotive:all`` without filters)."""
        limit = options.get("limit")
        if limit is not None and (
            isinstance(limit, bool) or not isinstance(limit, int) or limit < 1
        ):
            raise ValueError(f"limit must be a whole number of at least 1, got {limit!r}")
        filters = [f"{name}={options[name]}" for name in FILTER_OPTIONS if options.get(name)]
        return f"{cls.name}:{options.get('name') or ','.join(filters) or 'all'}"

    def initial_requests(self) -> Iterable[Request]:
        query = {
            name: str(self.options[name])
            for name in (*FILTER_OPTIONS, "limit")
            if self.options.get(name)
        }
        suffix = f"?{urlencode(query)}" if query else ""
        yield self.request(f"{self.api_base}/api/remote-jobs{suffix}", self.parse)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[JobPostingItem]:
        """Yield one envelope per job of the answer."""
        data = self.load_json(response)
        if data is None:
            return
        jobs = data.get("jobs") if isinstance(data, dict) else None
        if not isinstance(jobs, list):
            self.record_error("unexpected_shape", response.url, "no 'jobs' list in the response")
            return
        yield from self.envelopes(jobs, response, lambda job: job["id"])
