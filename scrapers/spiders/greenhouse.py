"""Spider for Greenhouse job boards through the public Job Board API.

Endpoint: ``GET {api_base}/v1/boards/{board}/jobs?content=true`` (default host
boards-api.greenhouse.io). One request returns every open job of the board; ``content`` is HTML
that the API escapes twice (``&lt;p&gt;``), which the normalise pipeline decodes.
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

#: Greenhouse metadata fields that carry the workplace type, when a board defines one.
_WORKPLACE_METADATA = ("location type", "workplace type", "remote", "workplace")


class GreenhouseSpider(PostingsSpider):
    """One Greenhouse board: ``{kind: greenhouse, board: <token>}``."""

    name = "greenhouse"
    identity_option = "board"
    default_api_base = "https://boards-api.greenhouse.io"

    def initial_requests(self) -> Iterable[Request]:
        board = quote(str(self.options["board"]), safe="")
        yield self.request(f"{self.api_base}/v1/boards/{board}/jobs?content=true", self.parse)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[JobPostingItem]:
        """Yield one item per job of the board."""
        data = self.load_json(response)
        if data is None:
            return
        jobs = data.get("jobs") if isinstance(data, dict) else None
        if not isinstance(jobs, list):
            self.record_error("unexpected_shape", response.url, "no 'jobs' list in the response")
            return
        yield from self.each_record(jobs, self.build_item, lambda job: job.get("id"))

    def build_item(self, job: dict[str, Any]) -> JobPostingItem:
        """Map one job object of the API to an item, values as published."""
        location = job.get("location") or {}
        departments = job.get("departments") or []
        remote = None
        for entry in job.get("metadata") or []:
            name = str(entry.get("name", "")).strip().lower()
            if name in _WORKPLACE_METADATA and entry.get("value"):
                value = entry["value"]
                remote = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
                break
        return self.item(
            source_posting_id=job["id"],
            url=job.get("absolute_url"),
            title=job.get("title"),
            company_name=(
                job.get("company_name") or self.options.get("company") or self.options["board"]
            ),
            location=location.get("name") if isinstance(location, dict) else location,
            remote=remote,
            department=departments[0].get("name") if departments else None,
            posted_at=job.get("first_published") or job.get("updated_at"),
            description=job.get("content"),
            description_format="html_escaped",
            payload=dump_payload(job),
        )
