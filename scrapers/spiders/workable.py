"""Spider for Workable career pages through the public job widget API.

Endpoint: ``GET {api_base}/api/v1/widget/accounts/{account}?details=true`` (default host
apply.workable.com). One request returns the account's company ``name`` at the top level and
every published job in ``jobs``; ``details=true`` adds each job's ``description`` HTML. The
widget has no pagination.

The widget lists a job once per advertised country: the rows share ``shortcode`` and ``url`` and
differ only in ``country``/``city``/``state``/``locations`` (a Zaelab job is two rows, Spain and
Portugal). Those rows are one posting, so the spider yields one item per shortcode whose
``location`` names every row's place, ``; ``-separated; the payload is the first row exactly as
sent, and each further row is counted as ``postings/merged/repeated_shortcode``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from scrapers.items import JobPostingItem
from scrapers.spiders.base import PostingsSpider, dump_payload

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response

#: HTML parts of a job with ``details=true``, in the order the job page shows them.
_DESCRIPTION_PARTS = ("description", "requirements", "benefits")


def workable_place(row: dict[str, Any]) -> list[str]:
    """The places of one widget row as text ("Paris, Île-de-France, France").

    ``locations`` (city, region, country) is preferred; older rows only have the top-level
    ``city``, ``state`` and ``country``.
    """
    places = []
    for location in row.get("locations") or []:
        parts = [location.get(name) for name in ("city", "region", "country")]
        text = ", ".join(str(part) for part in parts if part)
        if text:
            places.append(text)
    if not places:
        parts = [row.get(name) for name in ("city", "state", "country")]
        text = ", ".join(str(part) for part in parts if part)
        if text:
            places.append(text)
    return places


class WorkableSpider(PostingsSpider):
    """One Workable account: ``{kind: workable, account: <subdomain>}``."""

    name = "workable"
    identity_option = "account"
    default_api_base = "https://apply.workable.com"

    def initial_requests(self) -> Iterable[Request]:
        account = quote(str(self.options["account"]), safe="")
        yield self.request(
            f"{self.api_base}/api/v1/widget/accounts/{account}?details=true", self.parse
        )

    def parse(self, response: Response, **kwargs: Any) -> Iterator[JobPostingItem]:
        """Yield one item per job (per shortcode) of the account."""
        data = self.load_json(response)
        if data is None:
            return
        jobs = data.get("jobs") if isinstance(data, dict) else None
        if not isinstance(jobs, list):
            self.record_error("unexpected_shape", response.url, "no 'jobs' list in the response")
            return
        company = data.get("name")
        rows_by_shortcode: dict[str, list[Any]] = {}
        for position, row in enumerate(jobs):
            shortcode = row.get("shortcode") if isinstance(row, dict) else None
            rows_by_shortcode.setdefault(str(shortcode or f"#{position}"), []).append(row)
        yield from self.each_record(
            rows_by_shortcode.values(),
            lambda rows: self.build_item(rows, company),
            lambda rows: rows[0].get("shortcode"),
        )

    def build_item(self, rows: list[dict[str, Any]], company: str | None = None) -> JobPostingItem:
        """Map the widget rows of one job (one per advertised country) to an item."""
        job = rows[0]
        places = list(dict.fromkeys(place for row in rows for place in workable_place(row)))
        telecommuting = job.get("telecommuting")
        description = "".join(job.get(part) or "" for part in _DESCRIPTION_PARTS)
        item = self.item(
            source_posting_id=job["shortcode"],
            url=job.get("url") or job.get("shortlink"),
            title=job.get("title"),
            company_name=self.options.get("company") or company or self.options["account"],
            location="; ".join(places) or None,
            remote=json.dumps(telecommuting) if isinstance(telecommuting, bool) else None,
            department=job.get("department") or None,
            employment_type=job.get("employment_type") or None,
            posted_at=job.get("published_on") or job.get("created_at"),
            description=description or None,
            payload=dump_payload(job),
        )
        if len(rows) > 1:
            self.count("postings/merged/repeated_shortcode", len(rows) - 1)
        return item
