"""Spider for SmartRecruiters career sites through the public Posting API.

Endpoint: ``GET {api_base}/v1/companies/{company_id}/postings?limit=100&offset=N`` (default host
api.smartrecruiters.com). A page holds at most 100 postings (the API's maximum ``limit``);
``totalFound`` says how many there are, and the spider reads on until it has them all, a page
comes back empty, or ``max_pages`` pages have been read (a run cut short by ``max_pages`` counts
an error, so it ends ``partial`` and closes no postings it did not see).

Each posting object of the list is stored as it came (``parser.py`` reads it). The list has no
description: that is in the detail call ``GET /v1/companies/{id}/postings/{postingId}``
(``jobAd.sections``), which this spider does not make yet because no recorded detail answer
exists to test it against.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from scrapers.spiders.base import PostingsSpider

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response

#: Postings per page: the API's maximum ``limit``.
PAGE_SIZE = 100
#: Pages read at most unless an entry sets ``max_pages`` (10,000 postings).
DEFAULT_MAX_PAGES = 100


def _max_pages(options: dict[str, Any]) -> int:
    """The entry's ``max_pages``, checked."""
    value = options.get("max_pages", DEFAULT_MAX_PAGES)
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or int(text) < 1:
        raise ValueError(f"max_pages must be a whole number of at least 1, got {value!r}")
    return int(text)


class SmartrecruitersSpider(PostingsSpider):
    """One SmartRecruiters company: ``{kind: smartrecruiters, company_id: <identifier>}``."""

    name = "smartrecruiters"
    identity_option = "company_id"
    default_api_base = "https://api.smartrecruiters.com"

    @classmethod
    def validate_options(cls, options: dict[str, Any]) -> str:
        """Check ``company_id`` and ``max_pages``."""
        _max_pages(options)
        return super().validate_options(options)

    def page_url(self, offset: int) -> str:
        company_id = quote(str(self.options["company_id"]), safe="")
        return (
            f"{self.api_base}/v1/companies/{company_id}/postings?limit={PAGE_SIZE}&offset={offset}"
        )

    def initial_requests(self) -> Iterable[Request]:
        yield self.request(self.page_url(0), self.parse, cb_kwargs={"offset": 0, "page": 1})

    def parse(
        self, response: Response, offset: int = 0, page: int = 1, **kwargs: Any
    ) -> Iterator[Any]:
        """Yield the page's postings, then ask for the next page while some are left."""
        data = self.load_json(response)
        if data is None:
            return
        content = data.get("content") if isinstance(data, dict) else None
        if not isinstance(content, list):
            self.record_error("unexpected_shape", response.url, "no 'content' list in the response")
            return
        yield from self.envelopes(content, response, lambda posting: posting["id"])
        total = data.get("totalFound")
        next_offset = offset + len(content)
        if not content or not isinstance(total, int) or next_offset >= total:
            return
        if page >= _max_pages(self.options):
            self.record_error(
                "max_pages_reached",
                response.url,
                f"stopped after {page} pages; {total} postings announced",
            )
            return
        yield self.request(
            self.page_url(next_offset),
            self.parse,
            cb_kwargs={"offset": next_offset, "page": page + 1},
        )
