"""Spider for Ashby job boards through the public Posting API.

Endpoint: ``GET {api_base}/posting-api/job-board/{board}?includeCompensation=true`` (default host
api.ashbyhq.com). One request returns every listed job with ``descriptionHtml``, ``workplaceType``
(preferred over the older ``isRemote``) and ``compensation`` tiers when published.
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


class AshbySpider(PostingsSpider):
    """One Ashby board: ``{kind: ashby, board: <name>}``."""

    name = "ashby"
    identity_option = "board"
    default_api_base = "https://api.ashbyhq.com"

    def initial_requests(self) -> Iterable[Request]:
        board = quote(str(self.options["board"]), safe="")
        yield self.request(
            f"{self.api_base}/posting-api/job-board/{board}?includeCompensation=true", self.parse
        )

    def parse(self, response: Response, **kwargs: Any) -> Iterator[JobPostingItem]:
        """Yield one item per listed job of the board."""
        data = self.load_json(response)
        if data is None:
            return
        jobs = data.get("jobs") if isinstance(data, dict) else None
        if not isinstance(jobs, list):
            self.record_error("unexpected_shape", response.url, "no 'jobs' list in the response")
            return
        listed = [
            job for job in jobs if not (isinstance(job, dict) and job.get("isListed") is False)
        ]
        if len(listed) < len(jobs):
            self.count("postings/skipped/unlisted", len(jobs) - len(listed))
        yield from self.each_record(listed, self.build_item, lambda job: job.get("id"))

    def build_item(self, job: dict[str, Any]) -> JobPostingItem:
        """Map one job of the API to an item, values as published."""
        workplace = job.get("workplaceType")
        if workplace is None and job.get("isRemote") is not None:
            workplace = "Remote" if job["isRemote"] else None
        return self.item(
            source_posting_id=job["id"],
            url=job.get("jobUrl"),
            title=job.get("title"),
            company_name=self.options.get("company") or job.get("organizationName")
            or self.options["board"],
            location=job.get("location"),
            remote=workplace,
            department=job.get("department"),
            employment_type=job.get("employmentType"),
            posted_at=job.get("publishedAt"),
            description=job.get("descriptionHtml") or job.get("descriptionPlain"),
            payload=dump_payload(job),
        )
