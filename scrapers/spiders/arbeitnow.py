"""Spider for Arbeitnow (https://www.arbeitnow.com), a job board for Germany and Europe, through
its public Job Board API.

Endpoint: ``GET {api_base}/api/job-board-api?page=N`` (default host www.arbeitnow.com), about
100 jobs a page, newest first. Laravel pagination: ``links.next`` names the next page and is
null on the last one (``meta`` has ``current_page``, and ``last_page`` when the API counts the
pages); an answer without ``links`` and ``meta`` (as recorded, trimmed) is followed page after
page until a page comes back empty. ``max_pages`` (default 30) bounds a run; a run stopped by it
while the API names a next page ends with the reason ``max_pages``, so it is ``partial`` and
closes no posting it did not reach.

A job has no id but a ``slug`` (unique, it ends in a number); ``remote`` is a JSON boolean, kept
as its JSON text ``true``/``false``; ``created_at`` is epoch seconds; ``job_types`` is a list
("professional / experienced", "geschäftsleitung"); ``tags`` stay in the payload. Descriptions
come as HTML, or as HTML escaped once more (``&lt;p&gt;``) with Arbeitnow's own footer
appended unescaped, for jobs imported from other systems: the format is read per job.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from scrapy.exceptions import CloseSpider

from scrapers.items import JobPostingItem
from scrapers.spiders.base import PostingsSpider, dump_payload

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response

logger = logging.getLogger(__name__)

#: Pages read in one run unless the entry says otherwise (about 3,000 jobs).
DEFAULT_MAX_PAGES = 30
_TAG = re.compile(r"</?[A-Za-z]")
_ESCAPED_TAG = re.compile(r"&lt;/?[A-Za-z]")


def description_format(description: str | None) -> str:
    """``html_escaped`` for a description whose markup is mostly escaped, else ``html``.

    Arbeitnow appends its own footer, as plain HTML, to escaped descriptions
    (``&lt;p&gt;...&lt;/p&gt;<p>Find more <a href=...>``): unescaping such a description once
    leaves the footer intact, so the markup that is in the majority decides.
    """
    if not description:
        return "html"
    escaped_tags = len(_ESCAPED_TAG.findall(description))
    return "html_escaped" if escaped_tags > len(_TAG.findall(description)) else "html"


def next_page_number(data: dict[str, Any], page: int) -> int | None:
    """The page after ``page``, as the answer's pagination says; None after the last page."""
    links = data.get("links")
    if isinstance(links, dict):
        next_url = links.get("next")
        if not next_url:
            return None
        numbers = parse_qs(urlsplit(str(next_url)).query).get("page", [])
        return int(numbers[0]) if numbers and numbers[0].isdigit() and int(numbers[0]) > page \
            else page + 1
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
        return self.request(f"{self.api_base}/api/job-board-api?page={page}", self.parse,
                            cb_kwargs={"page": page})

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
        yield from self.each_record(jobs, self.build_item, lambda job: job.get("slug"))
        following = next_page_number(data, page) if jobs else None
        if following is None:
            return
        max_pages = int(self.options.get("max_pages", DEFAULT_MAX_PAGES))
        if page >= max_pages:
            logger.info("%s: stopping after max_pages=%d; the API has more pages",
                        self.source_key, max_pages)
            raise CloseSpider("max_pages")
        yield self.page_request(following)

    def build_item(self, job: dict[str, Any]) -> JobPostingItem:
        """Map one job of the API to an item, values as published."""
        remote = job.get("remote")
        job_types = job.get("job_types") or []
        if isinstance(job_types, str):
            job_types = [job_types]
        description = job.get("description") or None
        return self.item(
            source_posting_id=job["slug"],
            url=job.get("url"),
            title=job.get("title"),
            company_name=job.get("company_name"),
            location=job.get("location") or None,
            remote=("true" if remote else "false") if isinstance(remote, bool) else remote,
            employment_type=", ".join(map(str, job_types)) or None,
            posted_at=job.get("created_at"),
            description=description,
            description_format=description_format(description),
            payload=dump_payload(job),
        )
