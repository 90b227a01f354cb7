"""The base every postings spider stands on: source options, counted errors, one item shape.

A spider instance crawls exactly one source entry (one board, one site, one feed). The base
class turns the entry's options into an API base URL and a source key, wraps every request with
an errback that counts and logs failures, and gives subclasses :meth:`each_record`, which parses
the records of a page one at a time so that one broken record is counted and skipped while the
rest of the page goes on.

Hostile input is survived, counted and named, never fatal: a page that is not JSON (truncated,
HTML, nested deeper than Python can parse) is one counted error; bytes that are not UTF-8 are
replaced with U+FFFD and counted; a record whose id is an object is rejected, and one whose text
fields are objects, lists or lone surrogates is stored with its problem recorded; a redirect loop
that the scheduler would drop silently fails its request like any other failure.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar, Self

import orjson
from scrapy import Request, Spider, signals

from scrapers.items import JobPostingItem
from scrapers.redact import redact
from scrapers.scope import OffScopeRequest, host_key, urls_in

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

#: At most this many error messages are kept for a run's manifest (all are counted).
MAX_ERROR_MESSAGES = 50
#: Ids that are a float's non-finite values written out: never one posting's id.
NOT_FINITE_IDS = frozenset(
    {"nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}
)
#: A code point that UTF-8 cannot encode (half of a surrogate pair, alone).
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class PostingsSpider(Spider):
    """Base for every source kind; subclasses set ``name`` and implement ``initial_requests``."""

    #: The option that identifies one source of this kind (``board``, ``site``...).
    identity_option: ClassVar[str | None] = None
    #: Other options a source entry of this kind must have.
    required_options: ClassVar[tuple[str, ...]] = ()
    #: The real public host of the source's API; ``api_base`` in an entry overrides it.
    default_api_base: ClassVar[str] = ""
    #: Query parameters and headers that carry this kind's credentials, besides the names every
    #: source is checked for (scrapers.scope): they never follow a redirect to another host.
    credential_params: ClassVar[tuple[str, ...]] = ()
    credential_headers: ClassVar[tuple[str, ...]] = ()
    #: The run's id: given by the runner (``crawl_run_id=`` keyword), else set by the landing
    #: pipeline when the spider opens.
    crawl_run_id: str | None = None

    def __init__(
        self, source_key: str | None = None, options: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.options: dict[str, Any] = dict(options or {})
        self.options.setdefault("kind", self.name)
        self.source_key = source_key or self.validate_options(self.options)
        self.api_base = str(
            self.options.get("api_base") or self.options.get("url") or self.default_api_base
        ).rstrip("/")
        self.error_messages: list[str] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_request_dropped, signal=signals.request_dropped)
        return spider

    # ------------------------------------------------------------------ configuration
    @classmethod
    def validate_options(cls, options: dict[str, Any]) -> str:
        """Check an entry's options and return its source key (``kind:identity``)."""
        identity_options = [cls.identity_option] if cls.identity_option else []
        for option in (*cls.required_options, *identity_options):
            value = options.get(option)
            if value is None or (isinstance(value, str) and not value.strip()):
                raise KeyError(f"missing required option {option!r}")
        identity = options.get(cls.identity_option) if cls.identity_option else None
        if identity is None:
            identity = (
                options.get("name") or options.get("api_base") or options.get("url") or "default"
            )
        return f"{cls.name}:{identity}"

    def scope_hosts(self) -> set[str]:
        """The hosts this source's requests may go to (scrapers.scope): the API host and the
        host of every URL among the entry's options (``url``, ``sitemap``, ``robots``,
        ``urls``, feeds). A kind that needs another host says so by overriding this."""
        urls = [self.api_base, *(url for value in self.options.values() for url in urls_in(value))]
        return {key for key in map(host_key, urls) if key and "{" not in key}

    # ------------------------------------------------------------------ requests
    async def start(self) -> Any:  # Scrapy's hook
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
        error = failure.value
        reason_of_scope = error.reason if isinstance(error, OffScopeRequest) else None
        if reason_of_scope is not None and request is not None:  # scrapers.scope refused it
            if request.meta.get("scope") == "link" and not request.meta.get("redirect_urls"):
                self.keep_message(failure.getErrorMessage())  # a link elsewhere: counted only
                return
            self.count(f"postings/request_failed/{reason_of_scope}")
            self.note_error(
                f"{self.source_key}: request {url} failed: {reason_of_scope} "
                f"({failure.getErrorMessage()[:300]})"
            )
            return
        reason = failure.type.__name__ if failure.type else "Exception"
        detail = failure.getErrorMessage()[:200]
        response = getattr(failure.value, "response", None)
        if response is not None:
            reason = f"http_{response.status}"
            retry_after = response.headers.get("Retry-After")
            if retry_after:
                detail += f"; Retry-After: {retry_after.decode('latin-1')[:40]}"
        elif reason == "DownloadCancelledError" and not detail:
            maxsize = self.crawler.settings.getint("DOWNLOAD_MAXSIZE") if self.crawler else 0
            detail = f"cancelled mid-body: larger than DOWNLOAD_MAXSIZE ({maxsize} bytes)?"
        self.count(f"postings/request_failed/{reason}")
        self.note_error(f"{self.source_key}: request {url} failed: {reason} ({detail})")

    def on_request_dropped(self, request: Request, **kwargs: Any) -> None:
        """Count a request the scheduler refused as a repeat of one already made.

        A repeat reached by redirects is a redirect loop (A -> B -> A), which would otherwise
        end the run as silently ``empty``: it fails its request. Any other repeat is a link
        listed twice, which is harmless and only counted.
        """
        redirects = request.meta.get("redirect_urls") or []
        if redirects:
            self.count("postings/request_failed/redirect_loop")
            self.note_error(
                f"{self.source_key}: request {redirects[0]} failed: redirect_loop "
                f"(redirected back to {request.url} after {len(redirects)} "
                "redirects)"
            )
        else:
            self.count("postings/skipped/duplicate_request")

    # ------------------------------------------------------------------ errors
    def count(self, key: str, amount: int = 1) -> None:
        """Increment a ``postings/...`` stats counter."""
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, amount)

    def note_error(self, message: str) -> None:
        """Log an error and keep its message for the run's manifest (credentials masked)."""
        message = redact(message)
        logger.error("%s", message)
        self.count("postings/errors")
        self.keep_message(message)

    def keep_message(self, message: str) -> None:
        """Keep a message for the run's manifest (``error_summary``), up to the cap."""
        if len(self.error_messages) < MAX_ERROR_MESSAGES:
            self.error_messages.append(redact(message))

    def record_error(self, reason: str, record_id: Any, message: str) -> None:
        """Count a record (or page) that could not be parsed; name the source and the record."""
        self.count(f"postings/record_error/{reason}")
        self.note_error(f"{self.source_key}: record {record_id}: {reason}: {message}")

    # ------------------------------------------------------------------ parsing helpers
    def load_json(self, response: Response) -> Any | None:
        """Decode a JSON page, counting a page that is not JSON instead of raising.

        Bytes that are not UTF-8 are replaced with U+FFFD and counted (the rest of the page is
        kept); JSON nested deeper than Python's recursion limit counts as a page that is not JSON.
        """
        body: bytes | str = response.body
        try:
            # orjson reads a page several times faster; what it refuses (bytes that are not
            # UTF-8, NaN, integers beyond 64 bits, nesting past 1024) the standard library
            # reads or reports, as before.
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            pass
        try:
            try:
                return json.loads(body)
            except UnicodeDecodeError as error:
                body = response.body.decode("utf-8", errors="replace")
                self.record_error(
                    "invalid_utf8",
                    response.url,
                    f"bytes that are not UTF-8 replaced with U+FFFD ({error})"[:300],
                )
                return json.loads(body)
        except ValueError as error:
            self.record_error("invalid_json", response.url, f"page is not JSON ({error})"[:300])
        except RecursionError:
            self.record_error(
                "invalid_json", response.url, "page is not JSON that can be read: nested too deeply"
            )
        return None

    def body_decodes(self, response: Response) -> bool:
        """True when a text page's bytes are all valid in its encoding; else count and name it.

        Scrapy decodes text pages with U+FFFD in place of bad bytes, silently; this says so.
        """
        encoding = getattr(response, "encoding", None) or "utf-8"
        try:
            response.body.decode(encoding)
        except (UnicodeDecodeError, LookupError) as error:
            self.record_error(
                "invalid_encoding",
                response.url,
                f"bytes that are not {encoding} replaced with U+FFFD ({error})"[:300],
            )
            return False
        return True

    def xml_parses_completely(self, response: Response, body: bytes | None = None) -> bool:
        """True when an XML page parses without recovery; else count and name where it breaks.

        The parsers that read feeds and sitemaps (parsel's, Scrapy's ``Sitemap``) recover from
        errors: at a broken element they stop, and what follows it is silently never seen. The
        page is still read as far as it goes, but this makes the run ``partial`` (which closes
        nothing) with the error named, instead of a ``succeeded`` run that closes postings it
        did not see. The check parses with entities unresolved and no network, as those do.
        """
        from lxml import etree

        parser = etree.XMLParser(
            recover=False, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True
        )
        try:
            etree.fromstring(response.body if body is None else body, parser)
        except etree.XMLSyntaxError as error:
            self.record_error(
                "incomplete_document",
                response.url,
                f"the XML does not parse completely, what follows the error was not read ({error})"[
                    :300
                ],
            )
            return False
        return True

    def each_record(
        self,
        records: Iterable[Any],
        build: Callable[[Any], JobPostingItem | None],
        record_id: Callable[[Any], Any] = lambda record: "?",
    ) -> Iterator[JobPostingItem]:
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
                self.record_error(
                    "unparseable_record", identifier, f"{type(error).__name__}: {error}"[:300]
                )
                continue
            if item is not None:
                yield item

    def envelopes(
        self,
        records: Iterable[Any],
        response: Response,
        record_id: Callable[[Any], Any],
        payload: Callable[[Any], str] | None = None,
        payload_format: str = "json",
    ) -> Iterator[JobPostingItem]:
        """One envelope per record of a page: its id, the page's URL and the record as sent.

        ``record_id`` picks a record's id; ``payload`` turns the record into the text stored
        (JSON by default, keys in the source's order). A record whose id cannot be read is
        counted and skipped; the rest of the page goes on.
        """
        dump: Callable[[Any], str | bytes] = payload or dump_payload_bytes
        url = response.url
        context = self.source_context()  # one for the page: it depends on the entry only
        yield from self.each_record(
            records,
            lambda record: self.item(
                source_posting_id=record_id(record),
                url=url,
                payload=dump(record),
                payload_format=payload_format,
                source_context=context,
            ),
            record_id,
        )

    def source_context(self) -> dict[str, Any]:
        """What a parser of this kind needs of the source entry beyond the payload.

        The entry's ``company`` (the employer's display name, which an ATS payload often lacks)
        by default; a kind adds what its parser reads (``scrapers.parsing.ParseContext``).
        """
        company = self.options.get("company")
        return {"company": str(company)} if company else {}

    def item(
        self,
        *,
        source_posting_id: Any,
        url: str | None,
        payload: str | bytes,
        payload_format: str = "json",
        source_context: dict[str, Any] | None = None,
    ) -> JobPostingItem:
        """The envelope of one posting of this source.

        A number id is kept as its text; an id that is not a string or a number, or is not
        finite (``NaN``, ``inf``, or such a float written as text), rejects the record (raises,
        counted). A lone surrogate in the payload becomes U+FFFD, counted and named. A payload
        given as UTF-8 bytes (``dump_payload_bytes``) is kept beside its text: the landing
        writer hashes and writes those bytes (in a night, in its own process) rather than
        encode the text back to UTF-8; bytes that are not UTF-8 reject the record.
        """
        record_id = source_posting_id
        if isinstance(record_id, bool) or not isinstance(record_id, str | int | float):
            raise TypeError(
                f"source_posting_id is {type(record_id).__name__}, not a string or a number"
            )
        if (isinstance(record_id, float) and not math.isfinite(record_id)) or (
            isinstance(record_id, str) and record_id.strip().lower() in NOT_FINITE_IDS
        ):
            self.count("postings/record_error/not_finite_id")
            raise ValueError(f"source_posting_id is {record_id!r}, not a finite number or a name")
        record_id = str(record_id)
        encoded = None
        if isinstance(payload, bytes):
            encoded = payload
            payload = payload.decode("utf-8")
        elif not _encodes(payload):
            payload = _LONE_SURROGATE.sub("\ufffd", payload)
            self.record_error(
                "unexpected_value", record_id, "payload has a lone surrogate, replaced with U+FFFD"
            )
        return JobPostingItem(
            source_kind=self.name,
            source_key=self.source_key,
            source_posting_id=record_id,
            url=url,
            payload=payload,
            payload_format=payload_format,
            source_context=self.source_context() if source_context is None else source_context,
            encoded_payload=None if encoded is None else (payload, encoded),
        )


def _encodes(text: str) -> bool:
    """True when ``text`` is valid UTF-8 once encoded (no lone surrogate): 10x faster than a
    regular expression over every payload, and the answer for almost all of them."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def dump_payload_bytes(record: Any) -> str | bytes:
    """:func:`dump_payload` as orjson's UTF-8 bytes, which the content hash is taken of.

    Decoding orjson's bytes to text and encoding the text again to hash it cost a tenth of a
    large board's crawl. orjson never writes a lone surrogate, so its bytes are always valid
    UTF-8; what it cannot write is text from :func:`dump_payload` (a lone surrogate in it is
    then replaced and counted by ``PostingsSpider.item``).
    """
    try:
        return orjson.dumps(record)
    except TypeError:  # orjson.JSONEncodeError
        return dump_payload(record)


def dump_payload(record: Any) -> str:
    """The record as JSON text, keys in the source's order, nothing escaped away.

    orjson writes the same compact text about five times faster than ``json.dumps``, whose
    output it matches except in two corners: a float that Python writes with an exponent may
    be written another way (``0.00001`` for ``1e-05``), and NaN or Infinity (which are not
    JSON) become ``null``. What orjson cannot write (a lone surrogate, a key that is
    not a string, an integer beyond 64 bits) goes through ``json.dumps`` as before.
    """
    try:
        return orjson.dumps(record).decode("utf-8")
    except TypeError:  # orjson.JSONEncodeError
        return json.dumps(record, ensure_ascii=False, separators=(",", ":"))
