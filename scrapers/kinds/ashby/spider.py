"""Spider for Ashby job boards through the public Posting API.

Endpoint: ``GET {api_base}/posting-api/job-board/{board}?includeCompensation=true`` (default host
api.ashbyhq.com). One request returns every job of the board, descriptions and ``compensation``
included; each listed job object is stored as it came (``parser.py`` reads it).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from scrapers.items import JobPostingItem
from scrapers.spiders.base import PostingsSpider

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
        """Yield one envelope per listed job of the board."""
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
        yield from self.envelopes(listed, response, lambda job: job["id"])
