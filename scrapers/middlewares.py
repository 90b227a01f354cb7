"""Retries that back off: honour ``Retry-After`` on 429/503 and wait longer after each try.

Both kinds of retry wait: an HTTP status in ``RETRY_HTTP_CODES`` and a download exception in
``RETRY_EXCEPTIONS`` (a timeout, a connection dropped mid-body), so a struggling server is not
hammered with immediate retries.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.response import response_status_message

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response

logger = logging.getLogger(__name__)


def retry_after_seconds(value: bytes | str | None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta-seconds or an HTTP date), if any."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry middleware, with an exponential wait (or the server's ``Retry-After``).

    ``RETRY_BACKOFF_BASE`` seconds doubles with each try, capped by ``RETRY_BACKOFF_MAX``; a
    ``Retry-After`` longer than the cap gives up on the request rather than stall the night.
    """

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    def _retry(self, request: Request, reason: str | Exception | type[Exception]) -> Any:
        """Scrapy's retry, its ``retry/...`` counters kept by the request's own source."""
        from scrapy.downloadermiddlewares.retry import get_retry_request

        from scrapers.night import spider_for_request

        return get_retry_request(
            request,
            reason=reason,
            spider=spider_for_request(self.crawler, request),
            max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=request.meta.get("priority_adjust", self.priority_adjust),
            give_up_log_level=request.meta.get("give_up_log_level", self.give_up_log_level),
        )

    async def process_response(self, request: Request, response: Response) -> Any:  # type: ignore[override]
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        tries = request.meta.get("retry_times", 0)
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        if wait is not None and wait > self.backoff_max:
            logger.warning(
                "%s asks to retry after %.0fs, more than the cap; giving up", request.url, wait
            )
            return response
        if wait is None:
            wait = min(self.backoff_base * (2**tries), self.backoff_max)
        retried = self._retry(request, response_status_message(response.status))
        if retried is None:
            return response
        if wait > 0:
            await asyncio.sleep(wait)
        return retried

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Any:
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get(
            "dont_retry", False
        ):
            return None
        tries = request.meta.get("retry_times", 0)
        retried = self._retry(request, exception)
        if retried is None:
            return None
        wait = min(self.backoff_base * (2**tries), self.backoff_max)
        if wait > 0:
            await asyncio.sleep(wait)
        return retried
