"""Spider for SmartRecruiters career sites through the public Posting API.

Endpoint: ``GET {api_base}/v1/companies/{company_id}/postings?limit=100&offset=N`` (default host
api.smartrecruiters.com). A page holds at most 100 postings (the API's maximum ``limit``);
``totalFound`` says how many there are, and the spider reads on until it has them all, a page
comes back empty, or ``max_pages`` pages have been read (a run cut short by ``max_pages`` counts
an error, so it ends ``partial`` and closes no postings it did not see).

Each posting carries ``industry``, ``function``, ``experienceLevel`` and ``customField`` objects;
they stay in the payload for dbt staging. The list has no description and no public page URL:
the description is in the detail call ``GET /v1/companies/{id}/postings/{postingId}``
(``jobAd.sections``), which this spider does not make yet because no recorded detail answer
exists to test it against, and ``url`` is the public posting page
``https://jobs.smartrecruiters.com/{company identifier}/{id}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from scrapers.items import JobPostingItem
from scrapers.spiders.base import PostingsSpider, dump_payload

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response

#: Postings per page: the API's maximum ``limit``.
PAGE_SIZE = 100
#: Pages read at most unless an entry sets ``max_pages`` (10,000 postings).
DEFAULT_MAX_PAGES = 100
#: Where a posting is shown to the public.
PUBLIC_POSTING_URL = "https://jobs.smartrecruiters.com/{company}/{posting_id}"


def _max_pages(options: dict[str, Any]) -> int:
    """The entry's ``max_pages``, checked."""
    value = options.get("max_pages", DEFAULT_MAX_PAGES)
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or int(text) < 1:
        raise ValueError(f"max_pages must be a whole number of at least 1, got {value!r}")
    return int(text)


def workplace_from_flags(location: dict[str, Any]) -> str | None:
    """SmartRecruiters' ``remote`` and ``hybrid`` flags as one workplace word.

    ``remote`` or ``hybrid`` when that flag is true, ``onsite`` when both are published false,
    None when the posting does not say.
    """
    remote, hybrid = location.get("remote"), location.get("hybrid")
    if remote is True:
        return "remote"
    if hybrid is True:
        return "hybrid"
    if remote is False and hybrid in (False, None):
        return "onsite"
    return None


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
        return (f"{self.api_base}/v1/companies/{company_id}/postings"
                f"?limit={PAGE_SIZE}&offset={offset}")

    def initial_requests(self) -> Iterable[Request]:
        yield self.request(self.page_url(0), self.parse, cb_kwargs={"offset": 0, "page": 1})

    def parse(self, response: Response, offset: int = 0, page: int = 1,
              **kwargs: Any) -> Iterator[Any]:
        """Yield the page's postings, then ask for the next page while some are left."""
        data = self.load_json(response)
        if data is None:
            return
        content = data.get("content") if isinstance(data, dict) else None
        if not isinstance(content, list):
            self.record_error("unexpected_shape", response.url, "no 'content' list in the response")
            return
        yield from self.each_record(content, self.build_item, lambda posting: posting.get("id"))
        total = data.get("totalFound")
        next_offset = offset + len(content)
        if not content or not isinstance(total, int) or next_offset >= total:
            return
        if page >= _max_pages(self.options):
            self.record_error("max_pages_reached", response.url,
                              f"stopped after {page} pages; {total} postings announced")
            return
        yield self.request(self.page_url(next_offset), self.parse,
                           cb_kwargs={"offset": next_offset, "page": page + 1})

    def build_item(self, posting: dict[str, Any]) -> JobPostingItem:
        """Map one posting of the list to an item, values as published."""
        company = posting.get("company") or {}
        location = posting.get("location") or {}
        place = location.get("fullLocation") or ", ".join(
            str(location[name]) for name in ("city", "region", "country") if location.get(name)
        )
        identifier = company.get("identifier") or self.options["company_id"]
        return self.item(
            source_posting_id=posting["id"],
            url=posting.get("postingUrl") or PUBLIC_POSTING_URL.format(
                company=quote(str(identifier), safe=""), posting_id=posting["id"]
            ),
            title=posting.get("name"),
            company_name=self.options.get("company") or company.get("name")
            or self.options["company_id"],
            location=place or None,
            remote=workplace_from_flags(location),
            department=(posting.get("department") or {}).get("label"),
            employment_type=(posting.get("typeOfEmployment") or {}).get("label"),
            posted_at=posting.get("releasedDate"),
            description=None,
            payload=dump_payload(posting),
        )
