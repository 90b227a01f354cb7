"""The base every postings spider stands on: source options, counted errors, one item shape.

A spider instance crawls exactly one source entry (one board, one site, one feed). The base
class turns the entry's options into an API base URL and a source key, wraps every request with
an errback that counts and logs failures, and gives subclasses :meth:`each_record`, which parses
the records of a page one at a time so that one broken record is counted and skipped while the
rest of the page goes on.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy import Request, Spider

from scrapers.items import JobPostingItem

if TYPE_CHECKING:
    from scrapy.http import Response
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

#: At most this many error messages are kept for a run's manifest (all are counted).
MAX_ERROR_MESSAGES = 50


class PostingsSpider(Spider):
    """Base for every source kind; subclasses set ``name`` and implement ``initial_requests``."""

    #: The option that identifies one source of this kind (``board``, ``site``...).
    identity_option: ClassVar[str | None] = None
    #: Other options a source entry of this kind must have.
    required_options: ClassVar[tuple[str, ...]] = ()
    #: The real public host of the source's API; ``api_base`` in an entry overrides it.
    default_api_base: ClassVar[str] = ""

    def __init__(self, source_key: str | None = None, options: dict[str, Any] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.options: dict[str, Any] = dict(options or {})
        self.options.setdefault("kind", self.name)
        self.source_key = source_key or self.validate_options(self.options)
        self.api_base = str(
            self.options.get("api_base") or self.options.get("url") or self.default_api_base
        ).rstrip("/")
        self.error_messages: list[str] = []

    # ------------------------------------------------------------------ configuration
    @classmethod
    def validate_options(cls, options: dict[str, Any]) -> str:
        """Check an entry's options and return its source key (``kind:identity``)."""
        for option in (*cls.required_options, *([cls.identity_option] if cls.identity_option else [])):
            value = options.get(option)
            if value is None or (isinstance(value, str) and not value.strip()):
                raise KeyError(f"missing required option {option!r}")
        identity = options.get(cls.identity_option) if cls.identity_option else None
        if identity is None:
            identity = options.get("name") or options.get("api_base") or options.get("url") or "default"
        return f"{cls.name}:{identity}"

    # ------------------------------------------------------------------ requests
    async def start(self) -> Any:  # noqa: D401 - Scrapy's hook
        """Yield the source's first requests."""
        for request in self.initial_requests():
            yield request

    def initial_requests(self) -> Iterable[Request]:
        """The first requests of a crawl of this source."""
        raise NotImplementedError

    def request(self, url: str, callback: Callable[..., Any], **kwargs: Any) -> Request:
        """A request whose failures are counted against this source."""
        kwargs.setdefault("errback", self.on_request_failed)
        return Request(url, callback=callback, **kwargs)

    def on_request_failed(self, failure: Failure) -> None:
        """Count and log a request that failed for good (after retries, robots.txt, HTTP errors)."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        reason = failure.type.__name__ if failure.type else "Exception"
        response = getattr(failure.value, "response", None)
        if response is not None:
            reason = f"http_{response.status}"
        self.count(f"postings/request_failed/{reason}")
        self.note_error(f"{self.source_key}: request {url} failed: {reason} "
                        f"({failure.getErrorMessage()[:200]})")

    # ------------------------------------------------------------------ errors
    def count(self, key: str, amount: int = 1) -> None:
        """Increment a ``postings/...`` stats counter."""
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, amount)

    def note_error(self, message: str) -> None:
        """Log an error and keep its message for the run's manifest."""
        logger.error("%s", message)
        self.count("postings/errors")
        if len(self.error_messages) < MAX_ERROR_MESSAGES:
            self.error_messages.append(message)

    def record_error(self, reason: str, record_id: Any, message: str) -> None:
        """Count a record (or page) that could not be parsed; name the source and the record."""
        self.count(f"postings/record_error/{reason}")
        self.note_error(f"{self.source_key}: record {record_id}: {reason}: {message}")

    # ------------------------------------------------------------------ parsing helpers
    def load_json(self, response: Response) -> Any | None:
        """Decode a JSON page, counting a page that is not JSON instead of raising."""
        try:
            return json.loads(response.body)
        except (ValueError, UnicodeDecodeError) as error:
            self.record_error("invalid_json", response.url, f"page is not JSON ({error})"[:300])
            return None

    def each_record(self, records: Iterable[Any], build: Callable[[Any], JobPostingItem | None],
                    record_id: Callable[[Any], Any] = lambda record: "?") -> Iterator[JobPostingItem]:
        """Build one item per record; a record that raises is counted and skipped."""
        for position, record in enumerate(records):
            try:
                item = build(record)
            except Exception as error:  # one broken record must never stop the page
                try:
                    identifier = record_id(record)
                except Exception:
                    identifier = None
                if identifier is None or identifier == "":  # name it by its place in the page
                    identifier = f"#{position}"
                self.record_error("unparseable_record", identifier,
                                  f"{type(error).__name__}: {error}"[:300])
                continue
            if item is not None:
                yield item

    def item(self, **fields: Any) -> JobPostingItem:
        """A posting item of this source; non-string scalars are kept as their text."""
        for name in ("source_posting_id", "title", "company_name", "location", "remote",
                     "department", "employment_type", "posted_at", "url"):
            value = fields.get(name)
            if value is not None and not isinstance(value, str):
                fields[name] = str(value)
        return JobPostingItem(source_kind=self.name, source_key=self.source_key, **fields)


def dump_payload(record: Any) -> str:
    """The record as JSON text, keys in the source's order, nothing escaped away."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))
