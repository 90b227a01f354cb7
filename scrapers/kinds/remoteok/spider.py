"""Spider for Remote OK (https://remoteok.com), a board of remote jobs, through its public API.

Endpoint: ``GET {api_base}/api`` (default host remoteok.com). One request returns the latest
jobs as a bare JSON array. Element 0 is not a job but the API's legal notice (``last_updated``,
``legal``: link back to Remote OK and name it as the source); it is skipped and counted as
``postings/skipped/legal_notice``. ``date`` is ISO 8601 and ``epoch`` the same moment in epoch
seconds. Each job is stored as it came; ``parser.py`` reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from scrapers.items import JobPostingItem
from scrapers.spiders.base import PostingsSpider

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response


def is_legal_notice(record: Any) -> bool:
    """True for the API's notice element: it has ``legal`` and no job ``id``."""
    return isinstance(record, dict) and "legal" in record and "id" not in record


class RemoteokSpider(PostingsSpider):
    """All current Remote OK jobs: ``{kind: remoteok}`` (key ``remoteok:all``)."""

    name = "remoteok"
    default_api_base = "https://remoteok.com"

    @classmethod
    def validate_options(cls, options: dict[str, Any]) -> str:
        """The feed has no parameters; key ``remoteok:all`` unless the entry is named."""
        return f"{cls.name}:{options.get('name') or 'all'}"

    def initial_requests(self) -> Iterable[Request]:
        yield self.request(f"{self.api_base}/api", self.parse)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[JobPostingItem]:
        """Yield one envelope per job; skip and count the legal notice."""
        data = self.load_json(response)
        if data is None:
            return
        if not isinstance(data, list):
            self.record_error("unexpected_shape", response.url, "expected a JSON array of jobs")
            return
        jobs = []
        for record in data:
            if is_legal_notice(record):
                self.count("postings/skipped/legal_notice")
            else:
                jobs.append(record)
        yield from self.envelopes(jobs, response, lambda job: job["id"])
