"""Don't download what has not changed: conditional requests and list-dated detail pages.

Scrapy's HTTP cache middleware does the work (``HTTPCACHE_*`` settings, set by the runner for a
night when ``POSTINGS_CONDITIONAL_REQUESTS`` is on); this policy decides what it does, because
Scrapy's own policies do not fit a crawl that must see every change:

* a page that came with an ``ETag`` or ``Last-Modified`` is kept; the next night asks for it
  again with ``If-None-Match`` / ``If-Modified-Since`` and, on ``304 Not Modified``, the spider
  gets the kept page, so the source's postings are landed again (the loader stores no new
  version of an unchanged posting: a sighting, not a version);
* a kept page is never served without asking, however long its ``Cache-Control`` says it is
  fresh: a board can change within its max-age;
* except a detail page whose listing says it has not changed since it was kept (a spider puts
  the date in ``meta["postings_unchanged_since"]``, e.g. Workday's "Posted 8 Days Ago"), and
  which is younger than ``POSTINGS_DETAIL_MAX_AGE_DAYS``: that one is not requested at all;
* a server error is a server error: the kept page never hides it (Scrapy's RFC 2616 policy
  would serve the old page on a 5xx).

Requests that carry credentials are never kept (the spider's ``credential_params`` /
``credential_headers``; ``scrapers.night`` marks them ``dont_cache``), so no key is written to
the cache directory.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.extensions.httpcache import FilesystemCacheStorage, RFC2616Policy

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

#: The request meta key a spider sets to the date its listing says a posting last changed.
UNCHANGED_SINCE = "postings_unchanged_since"


def fetched_at(response: Response) -> datetime | None:
    """When a kept response was sent, from its ``Date`` header (None when it has none)."""
    value = response.headers.get(b"Date")
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value.decode("latin-1"))
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def as_datetime(value: Any) -> datetime | None:
    """A ``postings_unchanged_since`` value (a datetime or ISO 8601 text) as an aware datetime."""
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, str):
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


class RevalidatingPolicy(RFC2616Policy):
    """Keep pages that can be revalidated; always revalidate; trust only a 304."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.detail_max_age = timedelta(days=settings.getfloat("POSTINGS_DETAIL_MAX_AGE_DAYS", 7))

    def should_cache_response(self, response: Response, request: Request) -> bool:
        if response.status != 200 or b"no-store" in self._parse_cachecontrol(response):
            return False
        if UNCHANGED_SINCE in request.meta:  # a detail page its listing dates
            return True
        return b"ETag" in response.headers or b"Last-Modified" in response.headers

    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        since = as_datetime(request.meta.get(UNCHANGED_SINCE))
        kept_at = fetched_at(cachedresponse)
        if since is not None and kept_at is not None:
            now = datetime.now(UTC)
            if kept_at >= since and now - kept_at < self.detail_max_age:
                return True
        self._set_conditional_validators(request, cachedresponse)
        return False

    def is_cached_response_valid(
        self, cachedresponse: Response, response: Response, request: Request
    ) -> bool:
        return response.status == 304


class IndexedCacheStorage(FilesystemCacheStorage):
    """Scrapy's file-system cache, which knows which pages it keeps without asking the disk.

    Scrapy's storage looks for a request's folder on disk (a ``stat``) before every request;
    on a night of thousands of boards, most of them never kept (no ``ETag``), that was a tenth
    of a second per thousand requests, on the crawl's one thread. The folders are listed
    once when the crawl opens, and kept up to date as pages are stored; a request whose page
    is not among them is not looked for. A page another process stores during the night (a
    frontier's other worker) is not seen until the next crawl: that request is sent without
    its validators, as if nothing was kept.
    """

    def open_spider(self, spider: Spider) -> None:
        super().open_spider(spider)
        self._kept: set[str] = set()
        root = Path(self.cachedir, spider.name)
        try:
            prefixes = list(os.scandir(root))
        except OSError:  # no cache yet (or none readable): every page is asked for
            return
        for prefix in prefixes:
            try:
                self._kept.update(entry.name for entry in os.scandir(prefix.path))
            except OSError:
                continue

    def retrieve_response(self, spider: Spider, request: Request) -> Response | None:
        if self._fingerprinter.fingerprint(request).hex() not in self._kept:
            return None
        return super().retrieve_response(spider, request)

    def store_response(self, spider: Spider, request: Request, response: Response) -> None:
        super().store_response(spider, request, response)
        self._kept.add(self._fingerprinter.fingerprint(request).hex())
