"""Spider for Remote OK (https://remoteok.com), a board of remote jobs, through its public API.

Endpoint: ``GET {api_base}/api`` (default host remoteok.com). One request returns the latest
jobs as a bare JSON array. Element 0 is not a job but the API's legal notice (``last_updated``,
``legal``: link back to Remote OK and name it as the source); it is skipped and counted as
``postings/skipped/legal_notice``. ``date`` is ISO 8601 and ``epoch`` the same moment in epoch
seconds; ``salary_min``/``salary_max`` of 0 mean "not published" (staging reads them from the
payload and must treat 0 as unknown). The board lists remote jobs only and publishes no remote
flag, so ``remote`` stays empty; ``location`` is the text shown, often with a dangling comma
("Orlando, ").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from scrapers.items import JobPostingItem
from scrapers.spiders.base import PostingsSpider, dump_payload

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
        """Yield one item per job; skip and count the legal notice."""
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
        yield from self.each_record(jobs, self.build_item, lambda job: job.get("id"))

    def build_item(self, job: dict[str, Any]) -> JobPostingItem:
        """Map one job of the API to an item, values as published."""
        return self.item(
            source_posting_id=job["id"],
            url=job.get("url") or job.get("apply_url"),
            title=job.get("position"),
            company_name=job.get("company"),
            location=job.get("location") or None,
            posted_at=job.get("date") or job.get("epoch"),
            description=job.get("description") or None,
            description_format="html",
            payload=dump_payload(job),
        )
