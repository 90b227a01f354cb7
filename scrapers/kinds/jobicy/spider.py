"""Spider for Jobicy (https://jobicy.com), a board of remote jobs, through its public API v2.

Endpoint: ``GET {api_base}/api/v2/remote-jobs?count=50`` (default host jobicy.com), with the
optional filters ``geo`` (a region slug such as ``usa``), ``industry`` (such as ``marketing``)
and ``tag`` (a search term). One request returns the newest matching jobs; there are no pages.
Beside ``jobs`` the answer carries ``friendlyNotice`` (credit Jobicy with a direct link, send
applicants to the job's URL), ``jobCount`` (which may exceed the jobs listed) and
``appliedFilters``. Jobicy asks callers not to poll more than a few times a day.

Each job is stored as it came; ``parser.py`` reads it.
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

#: Jobs per request.
COUNT = 50
#: The API's filters, in the order they go into the query and the source key.
FILTER_OPTIONS = ("geo", "industry", "tag")


class JobicySpider(PostingsSpider):
    """Jobicy's newest jobs, optionally filtered: ``{kind: jobicy, geo: usa, tag: python}``."""

    name = "jobicy"
    default_api_base = "https://jobicy.com"

    @classmethod
    def validate_options(cls, options: dict[str, Any]) -> str:
        """Key ``jobicy:<filters>`` (``jobicy:all`` without filters) unless named."""
        filters = [f"{name}={options[name]}" for name in FILTER_OPTIONS if options.get(name)]
        return f"{cls.name}:{options.get('name') or ','.join(filters) or 'all'}"

    def initial_requests(self) -> Iterable[Request]:
        query = {"count": str(COUNT)}
        query.update(
            {name: str(self.options[name]) for name in FILTER_OPTIONS if self.options.get(name)}
        )
        yield self.request(f"{self.api_base}/api/v2/remote-jobs?{urlencode(query)}", self.parse)

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
