"""Spider for Greenhouse job boards through the public Job Board API.

Endpoint: ``GET {api_base}/v1/boards/{board}/jobs?content=true`` (default host
boards-api.greenhouse.io). One request returns every open job of the board, descriptions
included; each job object is stored as it came (``parser.py`` reads it).
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


class GreenhouseSpider(PostingsSpider):
    """One Greenhouse board: ``{kind: greenhouse, board: <token>}``."""

    name = "greenhouse"
    identity_option = "board"
    default_api_base = "https://boards-api.greenhouse.io"

    def initial_requests(self) -> Iterable[Request]:
        board = quote(str(self.options["board"]), safe="")
        yield self.request(f"{self.api_base}/v1/boards/{board}/jobs?content=true", self.parse)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[JobPostingItem]:
        """Yield one envelope per job of the board."""
        data = self.load_json(response)
        if data is None:
            return
        jobs = data.get("jobs") if isinstance(data, dict) else None
        if not isinstance(jobs, list):
            self.record_error("unexpected_shape", response.url, "no 'jobs' list in the response")
            return
        yield from self.envelopes(jobs, response, lambda job: job["id"])
