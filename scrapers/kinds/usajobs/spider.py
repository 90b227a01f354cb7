"""Spider for USAJOBS (https://www.usajobs.gov), the US federal government's job board, through
its Search API.

Endpoint: ``GET {api_base}/api/search?Keyword=...&ResultsPerPage=500&Page=N`` (default host
data.usajobs.gov) with the headers ``Host``, ``User-Agent: <the e-mail registered with the
key>`` and ``Authorization-Key: <key>``. The key and e-mail come from the settings
``usajobs_api_key`` and ``usajobs_email`` (``POSTINGS_USAJOBS_API_KEY``,
``POSTINGS_USAJOBS_EMAIL``); without both the spider sends nothing, logs why and counts
``postings/skipped/missing_credentials`` (the run ends ``empty``: no postings, no errors,
nothing closed). The key is never logged (see :mod:`scrapers.redact`).

Pages hold at most 500 results; ``SearchResult.UserArea.NumberOfPages`` (or
``SearchResultCountAll``) says how many there are, and without either (the recorded answer is
trimmed) a full page means there may be another. ``max_pages`` (default 20, the API's 10,000
results) bounds a run; a run stopped by it while there are more pages ends with the reason
``max_pages`` (``partial``). ``keyword`` is the ``Keyword`` filter; ``params`` adds other search
parameters of the API (``LocationName``, ``RemoteIndicator``...).

Each search result is one posting, ``MatchedObjectId`` its id (the descriptor's ``PositionID``
when it has none); it is stored as sent, but for any secret-looking value the API echoed back,
which is masked first (:func:`scrapers.redact.scrub_record`). ``parser.py`` reads it. The
envelope's URL is the search page's, which carries no credential: the key travels in a header.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from scrapy.exceptions import CloseSpider

from scrapers.items import JobPostingItem
from scrapers.redact import scrub_record
from scrapers.spiders.base import PostingsSpider, dump_payload
from warehouse.config import get_settings

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response

logger = logging.getLogger(__name__)

#: Results per page: the API's maximum.
RESULTS_PER_PAGE = 500
#: Pages read in one run unless the entry says otherwise (the API serves 10,000 results).
DEFAULT_MAX_PAGES = 20
#: Parameters the spider sets itself; ``params`` may not override them.
_OWN_PARAMETERS = frozenset({"Keyword", "ResultsPerPage", "Page"})
MISSING_CREDENTIALS = "skipped: set POSTINGS_USAJOBS_API_KEY and POSTINGS_USAJOBS_EMAIL"


def _whole_number(value: Any) -> int | None:
    """``value`` as an int when it is one or its digits (the API sends counts as text)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.strip().isdigit() else None


def page_count(result: dict[str, Any]) -> int | None:
    """How many pages the search has, when the answer says so."""
    user_area = result.get("UserArea")
    if isinstance(user_area, dict):
        pages = _whole_number(user_area.get("NumberOfPages"))
        if pages is not None:
            return pages
    total = _whole_number(result.get("SearchResultCountAll"))
    return None if total is None else -(-total // RESULTS_PER_PAGE)


class UsajobsSpider(PostingsSpider):
    """One USAJOBS search: ``{kind: usajobs, keyword: software}`` (needs a key)."""

    name = "usajobs"
    default_api_base = "https://data.usajobs.gov"

    @classmethod
    def validate_options(cls, options: dict[str, Any]) -> str:
        """Check ``max_pages`` and ``params``; key ``usajobs:<filters>`` unless named."""
        max_pages = options.get("max_pages", DEFAULT_MAX_PAGES)
        if isinstance(max_pages, bool) or not isinstance(max_pages, int) or max_pages < 1:
            raise ValueError(f"max_pages must be a whole number of at least 1, got {max_pages!r}")
        params = options.get("params") or {}
        if not isinstance(params, dict) or any(
            not isinstance(value, str | int | float | bool) for value in params.values()
        ):
            raise ValueError(f"params must map search parameters to values, got {params!r}")
        if clash := _OWN_PARAMETERS.intersection(map(str, params)):
            raise ValueError(f"params may not set {', '.join(sorted(clash))}")
        filters = [f"keyword={options['keyword']}"] if options.get("keyword") else []
        filters += [f"{name}={value}" for name, value in params.items()]
        return f"{cls.name}:{options.get('name') or ','.join(filters) or 'all'}"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The credential headers of every request, set once the credentials are known.
        self.headers: dict[str, str] = {}

    # ------------------------------------------------------------------ requests
    def initial_requests(self) -> Iterable[Request]:
        settings = get_settings()
        key = settings.usajobs_api_key.get_secret_value() if settings.usajobs_api_key else ""
        email = (settings.usajobs_email or "").strip()
        if not key.strip() or not email:
            logger.warning("%s: %s (source %s)", self.name, MISSING_CREDENTIALS, self.source_key)
            self.count("postings/skipped/missing_credentials")
            return
        self.headers = {
            "Host": urlsplit(self.api_base).netloc,
            "User-Agent": email,
            "Authorization-Key": key.strip(),
        }
        yield self.page_request(1)

    def page_request(self, page: int) -> Request:
        """One page of the search, with the credential headers."""
        query: dict[str, Any] = {}
        if self.options.get("keyword"):
            query["Keyword"] = self.options["keyword"]
        query.update(self.options.get("params") or {})
        query.update({"ResultsPerPage": RESULTS_PER_PAGE, "Page": page})
        return self.request(
            f"{self.api_base}/api/search?{urlencode(query)}",
            self.parse,
            headers=self.headers,
            cb_kwargs={"page": page},
        )

    # ------------------------------------------------------------------ callbacks
    def parse(self, response: Response, page: int = 1, **kwargs: Any) -> Iterator[Any]:
        """Yield the page's results, then ask for the next page while there is one."""
        data = self.load_json(response)
        if data is None:
            return
        result = data.get("SearchResult") if isinstance(data, dict) else None
        items = result.get("SearchResultItems") if isinstance(result, dict) else None
        if not isinstance(items, list):
            self.record_error(
                "unexpected_shape",
                response.url,
                "no 'SearchResult.SearchResultItems' list in the response",
            )
            return
        yield from self.each_record(
            items,
            lambda record: self.build_item(record, response.url),
            lambda record: record.get("MatchedObjectId"),
        )
        pages = page_count(result) if isinstance(result, dict) else None
        more = page < pages if pages is not None else len(items) >= RESULTS_PER_PAGE
        if not items or not more:
            return
        max_pages = int(self.options.get("max_pages", DEFAULT_MAX_PAGES))
        if page >= max_pages:
            logger.info(
                "%s: stopping after max_pages=%d of %s pages",
                self.source_key,
                max_pages,
                pages if pages is not None else "more",
            )
            raise CloseSpider("max_pages")
        yield self.page_request(page + 1)

    def build_item(self, record: dict[str, Any], page_url: str) -> JobPostingItem:
        """The envelope of one search result, any echoed secret masked."""
        record, masked = scrub_record(record)
        if masked:
            self.count("postings/redacted/secret_in_record")
        descriptor = record.get("MatchedObjectDescriptor")
        posting_id = record.get("MatchedObjectId") or (
            descriptor.get("PositionID") if isinstance(descriptor, dict) else None
        )
        if posting_id is None:
            raise ValueError("result has neither MatchedObjectId nor a descriptor's PositionID")
        return self.item(source_posting_id=posting_id, url=page_url, payload=dump_payload(record))
