"""Spider for Adzuna (https://www.adzuna.com), a job search engine, through its Search API.

Endpoint: ``GET {api_base}/v1/api/jobs/{country}/search/{page}?app_id=..&app_key=..
&results_per_page=50&what=..`` (default host api.adzuna.com; ``country`` one of Adzuna's
two-letter markets, default ``gb``; ``what`` the optional search terms). The credentials come
from the settings ``adzuna_app_id`` and ``adzuna_app_key`` (``POSTINGS_ADZUNA_APP_ID``,
``POSTINGS_ADZUNA_APP_KEY``); without both the spider sends nothing, logs why and counts
``postings/skipped/missing_credentials`` (the run ends ``empty``). Both travel in the URL
query, which Scrapy logs and failed requests repeat: :mod:`scrapers.redact` masks them in every
log line and error message. Free keys are rate-limited (about 25 requests a minute, 250 a day).

Pages hold 50 results (the API's maximum); ``count`` is the number of matching jobs, so pages
follow while ``page * 50 < count`` and the page was not empty. ``max_pages`` (default 10)
bounds a run; a run stopped by it while there are more results ends with the reason
``max_pages`` (``partial``).

Each result is one posting, ``id`` its id, stored as sent but with every configured secret
masked: its ``redirect_url`` (Adzuna's tracking link) names the caller's ``app_id`` as
``utm_source`` (counted as ``postings/redacted/secret_in_record``). The envelope's URL is the
search page's without ``app_id`` and ``app_key``: no credential is ever stored. ``parser.py``
reads the result.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from scrapy.exceptions import CloseSpider

from scrapers.items import JobPostingItem
from scrapers.redact import scrub_record
from scrapers.scope import credential_names, strip_params
from scrapers.spiders.base import PostingsSpider, dump_payload
from warehouse.config import get_settings

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response

logger = logging.getLogger(__name__)

#: Results per page: the API's maximum.
RESULTS_PER_PAGE = 50
#: Pages read in one run unless the entry says otherwise.
DEFAULT_MAX_PAGES = 10
DEFAULT_COUNTRY = "gb"
#: The markets the API serves (``/v1/api/jobs/{country}/...``).
COUNTRIES = frozenset(
    {
        "at",
        "au",
        "be",
        "br",
        "ca",
        "ch",
        "de",
        "es",
        "fr",
        "gb",
        "in",
        "it",
        "mx",
        "nl",
        "nz",
        "pl",
        "sg",
        "us",
        "za",
    }
)
MISSING_CREDENTIALS = "skipped: set POSTINGS_ADZUNA_APP_ID and POSTINGS_ADZUNA_APP_KEY"


class AdzunaSpider(PostingsSpider):
    """One Adzuna search: ``{kind: adzuna, country: gb, what: data engineer}`` (needs a key)."""

    name = "adzuna"
    default_api_base = "https://api.adzuna.com"
    credential_params = ("app_id", "app_key")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: ``app_id`` and ``app_key``, set once the credentials are known.
        self.credentials: dict[str, str] = {}

    @classmethod
    def validate_options(cls, options: dict[str, Any]) -> str:
        """Check ``country`` and ``max_pages``; key ``adzuna:country=gb[,what=..]`` unless named."""
        country = options.get("country", DEFAULT_COUNTRY)
        if country not in COUNTRIES:
            raise ValueError(
                f"country must be one of {', '.join(sorted(COUNTRIES))}, got {country!r}"
            )
        max_pages = options.get("max_pages", DEFAULT_MAX_PAGES)
        if isinstance(max_pages, bool) or not isinstance(max_pages, int) or max_pages < 1:
            raise ValueError(f"max_pages must be a whole number of at least 1, got {max_pages!r}")
        filters = [f"country={country}"]
        if options.get("what"):
            filters.append(f"what={options['what']}")
        return f"{cls.name}:{options.get('name') or ','.join(filters)}"

    # ------------------------------------------------------------------ requests
    def initial_requests(self) -> Iterable[Request]:
        settings = get_settings()
        app_id = settings.adzuna_app_id.get_secret_value() if settings.adzuna_app_id else ""
        app_key = settings.adzuna_app_key.get_secret_value() if settings.adzuna_app_key else ""
        if not app_id.strip() or not app_key.strip():
            logger.warning("%s: %s (source %s)", self.name, MISSING_CREDENTIALS, self.source_key)
            self.count("postings/skipped/missing_credentials")
            return
        self.credentials = {"app_id": app_id.strip(), "app_key": app_key.strip()}
        yield self.page_request(1)

    def page_request(self, page: int) -> Request:
        """One page of the search (the credentials go in the query, as the API requires)."""
        country = self.options.get("country", DEFAULT_COUNTRY)
        query: dict[str, Any] = {**self.credentials, "results_per_page": RESULTS_PER_PAGE}
        if self.options.get("what"):
            query["what"] = self.options["what"]
        return self.request(
            f"{self.api_base}/v1/api/jobs/{country}/search/{page}?{urlencode(query)}",
            self.parse,
            cb_kwargs={"page": page},
        )

    # ------------------------------------------------------------------ callbacks
    def parse(self, response: Response, page: int = 1, **kwargs: Any) -> Iterator[Any]:
        """Yield the page's results, then ask for the next page while ``count`` says so."""
        data = self.load_json(response)
        if data is None:
            return
        results = data.get("results") if isinstance(data, dict) else None
        if not isinstance(results, list):
            self.record_error("unexpected_shape", response.url, "no 'results' list in the response")
            return
        page_url = strip_params(response.url, credential_names(self)[0])
        yield from self.each_record(
            results, lambda job: self.build_item(job, page_url), lambda job: job.get("id")
        )
        total = data.get("count")
        more = (
            page * RESULTS_PER_PAGE < total
            if isinstance(total, int)
            else len(results) >= RESULTS_PER_PAGE
        )
        if not results or not more:
            return
        max_pages = int(self.options.get("max_pages", DEFAULT_MAX_PAGES))
        if page >= max_pages:
            logger.info(
                "%s: stopping after max_pages=%d of %s results", self.source_key, max_pages, total
            )
            raise CloseSpider("max_pages")
        yield self.page_request(page + 1)

    def build_item(self, job: dict[str, Any], page_url: str) -> JobPostingItem:
        """The envelope of one result, every configured secret masked in it."""
        job, masked = scrub_record(job)
        if masked:
            self.count("postings/redacted/secret_in_record")
        return self.item(source_posting_id=job["id"], url=page_url, payload=dump_payload(job))
