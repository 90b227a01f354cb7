"""Spider for Lever job sites through the public Postings API.

Endpoint: ``GET {api_base}/v0/postings/{site}?mode=json&skip=N&limit=M`` (default host
api.lever.co; EU sites live on api.eu.lever.co, set with ``api_base``). The answer is a bare
array; each posting object is stored as it came (``parser.py`` reads it).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from scrapers.spiders.base import PostingsSpider

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response

#: Page size; the API returns everything when no limit is given, which is risky on big sites.
PAGE_SIZE = 250


class LeverSpider(PostingsSpider):
    """One Lever site: ``{kind: lever, site: <name>}``."""

    name = "lever"
    identity_option = "site"
    default_api_base = "https://api.lever.co"

    def page_url(self, skip: int) -> str:
        site = quote(str(self.options["site"]), safe="")
        return f"{self.api_base}/v0/postings/{site}?mode=json&skip={skip}&limit={PAGE_SIZE}"

    def initial_requests(self) -> Iterable[Request]:
        yield self.request(self.page_url(0), self.parse, cb_kwargs={"skip": 0})

    def parse(self, response: Response, skip: int = 0, **kwargs: Any) -> Iterator[Any]:
        """Yield the page's postings, then ask for the next page while pages are full."""
        data = self.load_json(response)
        if data is None:
            return
        if not isinstance(data, list):
            self.record_error("unexpected_shape", response.url, "expected a JSON array of postings")
            return
        yield from self.envelopes(data, response, lambda posting: posting["id"])
        if len(data) >= PAGE_SIZE:
            next_skip = skip + len(data)
            yield self.request(self.page_url(next_skip), self.parse, cb_kwargs={"skip": next_skip})
