"""Spider for Workable career pages through the public job widget API.

Endpoint: ``GET {api_base}/api/v1/widget/accounts/{account}?details=true`` (default host
apply.workable.com). One request returns the account's company ``name`` at the top level and
every published job in ``jobs``; ``details=true`` adds each job's ``description`` HTML. The
widget has no pagination.

The widget lists a job once per advertised country: the rows share ``shortcode`` and ``url`` and
differ only in ``country``/``city``/``state``/``locations`` (a Zaelab job is two rows, Spain and
Portugal). Those rows are one posting, so the spider yields one envelope per shortcode: its
payload is the row exactly as sent, or, when the widget repeats the shortcode, the JSON array of
its rows as sent (``parser.py`` names every row's place); each further row is counted as
``postings/merged/repeated_shortcode``. The account's ``name`` is not part of any row, so it
travels in the envelope's context as the company, unless the entry names one.
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


class WorkableSpider(PostingsSpider):
    """One Workable account: ``{kind: workable, account: <subdomain>}``."""

    name = "workable"
    identity_option = "account"
    default_api_base = "https://apply.workable.com"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The company ``name`` the widget answered with (read by :meth:`source_context`).
        self.account_name: str | None = None

    def initial_requests(self) -> Iterable[Request]:
        account = quote(str(self.options["account"]), safe="")
        yield self.request(
            f"{self.api_base}/api/v1/widget/accounts/{account}?details=true", self.parse
        )

    def source_context(self) -> dict[str, Any]:
        """The entry's company, else the company name the widget gives the account."""
        context = super().source_context()
        if "company" not in context and self.account_name:
            context["company"] = self.account_name
        return context

    def parse(self, response: Response, **kwargs: Any) -> Iterator[JobPostingItem]:
        """Yield one envelope per job (per shortcode) of the account."""
        data = self.load_json(response)
        if data is None:
            return
        jobs = data.get("jobs") if isinstance(data, dict) else None
        if not isinstance(jobs, list):
            self.record_error("unexpected_shape", response.url, "no 'jobs' list in the response")
            return
        name = data.get("name")
        self.account_name = name.strip() or None if isinstance(name, str) else None
        rows_by_shortcode: dict[str, list[Any]] = {}
        for position, row in enumerate(jobs):
            shortcode = row.get("shortcode") if isinstance(row, dict) else None
            rows_by_shortcode.setdefault(str(shortcode or f"#{position}"), []).append(row)
        yield from self.each_record(
            rows_by_shortcode.values(),
            lambda rows: self.envelope(rows, response),
            lambda rows: rows[0].get("shortcode"),
        )

    def envelope(self, rows: list[dict[str, Any]], response: Response) -> JobPostingItem:
        """The envelope of one job: its row, or all its rows when the widget repeats it."""
        item = self.item(
            source_posting_id=rows[0]["shortcode"],
            url=response.url,
            payload=dump_payload(rows[0] if len(rows) == 1 else rows),
        )
        if len(rows) > 1:
            self.count("postings/merged/repeated_shortcode", len(rows) - 1)
        return item
