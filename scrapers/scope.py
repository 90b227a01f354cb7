"""Keep every source's requests on its own hosts, and its credentials with the host they are for.

A source entry names its hosts: the API host (``api_base``, or the kind's default), and every URL
among its options (``url``, ``sitemap``, ``robots``, ``urls``, feeds). Every request of the crawl
passes :class:`SourceScopeMiddleware` before anything is sent (robots.txt requests included), and
so does every request that Scrapy makes *for* us: redirects (``RedirectMiddleware`` and
``MetaRefreshMiddleware`` hand their new request back to the engine, which sends it through the
downloader middlewares again), sitemap ``<loc>`` entries, robots ``Sitemap:`` lines and
next-page URLs. A request is refused, counted (``postings/skipped/<reason>``) and logged when:

* its scheme is not ``http`` or ``https`` (``file://`` once put a local file into the marts);
* its host is not one of the source's hosts or a subdomain of one (ports 80 and 443 are one
  host; any other port is a host of its own, which is how the tests' two local servers differ);
* its host is a private, loopback or link-local address (or ``localhost``) and none of the
  entry's own hosts is one: an entry that points at ``127.0.0.1`` (the tests' servers) may stay
  there, one that points at the internet may not be turned towards the machine's network.
  Names are not resolved: an entry's host is trusted, and only its own hosts are in scope.

Credentials stay with the host they are for. A redirect that leaves the host of the request the
spider made loses every credential query parameter and header (``app_key``, ``Authorization-Key``
and the names in :mod:`scrapers.redact`, plus the spider's ``credential_params`` /
``credential_headers``), its ``Host`` header and a credential-bearing ``User-Agent``; and no request
that carries a credential (or whose ``Referer`` would) is sent with a ``Referer``.

What the spider does with a refused request is its errback's business (``PostingsSpider``): a
refused redirect or next page is a request that failed (the run is ``partial`` and closes
nothing), a refused link from a sitemap or robots.txt (``meta["scope"] == "link"``) is only
counted.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scrapy import signals
from scrapy.exceptions import IgnoreRequest

from scrapers.redact import _HEADER_NAMES, _QUERY_NAMES, redact

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

ALLOWED_SCHEMES = frozenset({"http", "https"})
#: Query parameters that carry a credential, whatever the spider (see scrapers.redact).
CREDENTIAL_PARAMS = frozenset(name.lower() for name in _QUERY_NAMES)
#: Headers that carry a credential, whatever the spider.
CREDENTIAL_HEADERS = frozenset(
    {*(name.lower() for name in _HEADER_NAMES), "cookie", "proxy-authorization"}
)
#: Ports that do not make a host of their own (http -> https upgrades stay on the host).
_DEFAULT_PORTS = {None, 80, 443}


class OffScopeRequest(IgnoreRequest):
    """A request refused because it leaves its source's scope; ``reason`` names why."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def host_key(url: str) -> str | None:
    """The host a URL is on (lower case, with its port unless it is 80 or 443)."""
    try:
        parts = urlsplit(url)
        hostname, port = parts.hostname, parts.port
    except ValueError:
        return None
    if not hostname:
        return None
    hostname = hostname.rstrip(".").lower()
    return hostname if port in _DEFAULT_PORTS else f"{hostname}:{port}"


def is_private_host(host: str) -> bool:
    """True for a loopback, private, link-local, reserved or unspecified address (or localhost)."""
    hostname = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    hostname = hostname.strip("[]")
    if hostname == "localhost" or hostname.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(hostname)
    except ValueError:
        return False
    return bool(
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_unspecified
        or address.is_multicast
    )


def urls_in(value: Any) -> Iterator[str]:
    """Every http(s) URL in an option value (a string, or a list of them)."""
    if isinstance(value, str):
        if urlsplit(value.strip()).scheme in ALLOWED_SCHEMES:
            yield value.strip()
    elif isinstance(value, list | tuple):
        for item in value:
            yield from urls_in(item)


def in_scope(host: str, allowed: Iterable[str]) -> bool:
    """True when ``host`` is one of ``allowed`` or a subdomain of one (same port)."""
    for known in allowed:
        base = known.removeprefix("www.")
        if host in (known, base) or host.endswith("." + base):
            return True
    return False


def credential_names(spider: Spider) -> tuple[frozenset[str], frozenset[str]]:
    """The query parameters and headers that carry credentials for this spider (lower case)."""
    params = {name.lower() for name in getattr(spider, "credential_params", ())}
    headers = {name.lower() for name in getattr(spider, "credential_headers", ())}
    return CREDENTIAL_PARAMS | params, CREDENTIAL_HEADERS | headers


def strip_params(url: str, names: frozenset[str]) -> str:
    """``url`` without the query parameters in ``names``."""
    parts = urlsplit(url)
    kept = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if name.lower() not in names
    ]
    return urlunsplit(parts._replace(query=urlencode(kept)))


def has_params(url: str, names: frozenset[str]) -> bool:
    """True when ``url``'s query has a parameter in ``names``."""
    return any(
        name.lower() in names for name, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True)
    )


class SourceScopeMiddleware:
    """A downloader middleware: refuse requests that leave the source; keep keys on their host.

    It runs first (priority 50), before robots.txt is asked for the request's host, so a host out
    of scope is never contacted at all.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.default_user_agent = crawler.settings.get("USER_AGENT")
        #: Per source (a night's crawler runs many): its hosts, and whether one is private.
        self._allowed: dict[Spider, tuple[tuple[str, ...], bool]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        self._allowed = {}  # computed from each source's spider once it is fully set up

    def allowed_hosts(self, spider: Spider) -> tuple[str, ...]:
        """The source's hosts: the spider's own list, or its API host and its options' URLs."""
        known = self._allowed.get(spider)
        if known is None:
            scope_hosts = getattr(spider, "scope_hosts", None)
            if callable(scope_hosts):
                hosts = set(scope_hosts())
            else:
                hosts = {
                    key
                    for key in (
                        host_key(url) for url in urls_in(list(getattr(spider, "start_urls", [])))
                    )
                    if key
                }
            known = (tuple(sorted(hosts)), any(is_private_host(host) for host in hosts))
            self._allowed[spider] = known
            logger.debug(
                "%s: in scope: %s", getattr(spider, "source_key", spider.name), ", ".join(known[0])
            )
        return known[0]

    def private_allowed(self, spider: Spider) -> bool:
        """True when one of the source's own hosts is private (a local replay or test server)."""
        self.allowed_hosts(spider)
        return self._allowed[spider][1]

    def refuse(self, spider: Spider, request: Request, reason: str, detail: str) -> None:
        """Count, log and refuse a request."""
        stats = getattr(spider.crawler, "stats", None) if hasattr(spider, "crawler") else None
        if stats is not None:
            stats.inc_value(f"postings/skipped/{reason}")
        source = getattr(spider, "source_key", spider.name)
        via = request.meta.get("redirect_urls") or []
        origin = f" (redirected from {redact(via[0])})" if via else ""
        message = f"{source}: skipped {redact(request.url)}{origin}: {reason}: {detail}"
        logger.warning("%s", message)
        raise OffScopeRequest(reason, message)

    def process_request(self, request: Request) -> Request | None:
        from scrapers.night import spider_for_request  # the night imports this module

        spider = spider_for_request(self.crawler, request)
        scheme = urlsplit(request.url).scheme.lower()
        if scheme not in ALLOWED_SCHEMES:
            self.refuse(
                spider,
                request,
                "disallowed_scheme",
                f"only http and https are fetched, not {scheme or 'no scheme'}",
            )
        host = host_key(request.url)
        night_hosts = getattr(spider, "source_hosts", None)
        if isinstance(night_hosts, set):  # a night's own request (a host's robots.txt)
            if host not in night_hosts:
                self.refuse(
                    spider, request, "off_scope_host", f"{host} is the host of no source tonight"
                )
            return None
        allowed = self.allowed_hosts(spider)
        if host is None:
            self.refuse(spider, request, "off_scope_host", "the URL names no host")
        assert host is not None
        if is_private_host(host) and not self.private_allowed(spider):
            self.refuse(
                spider,
                request,
                "private_address",
                f"{host} is a private, loopback or link-local address and the source's "
                "own hosts are not",
            )
        if not in_scope(host, allowed):
            self.refuse(
                spider,
                request,
                "off_scope_host",
                f"{host} is not one of the source's hosts ({', '.join(allowed)})",
            )
        return self.keep_credentials_home(request, spider, host)

    def keep_credentials_home(self, request: Request, spider: Spider, host: str) -> Request | None:
        """Strip credentials from a redirect that left its host; no Referer beside a key."""
        params, headers = credential_names(spider)
        redirects = request.meta.get("redirect_urls") or []
        if redirects and host_key(redirects[0]) != host:
            stripped = False
            for name in list(request.headers.keys()):
                text = name.decode("latin-1").lower()
                if text in headers or text == "host":
                    del request.headers[name]
                    stripped = True
            agent = request.headers.get("User-Agent")
            if agent is not None and agent.decode("latin-1") != self.default_user_agent:
                request.headers["User-Agent"] = self.default_user_agent
                stripped = True
            request.headers.pop("Referer", None)
            if has_params(request.url, params):
                self.count(spider, "postings/redacted/credentials_on_redirect")
                logger.warning(
                    "%s: a redirect from %s to %s left the host: its credentials were removed",
                    getattr(spider, "source_key", spider.name),
                    host_key(redirects[0]),
                    host,
                )
                return request.replace(url=strip_params(request.url, params), dont_filter=True)
            if stripped:
                self.count(spider, "postings/redacted/credentials_on_redirect")
        referer = request.headers.get("Referer")
        keyed = has_params(request.url, params) or any(
            name.decode("latin-1").lower() in headers for name in request.headers
        )
        if referer is not None and (keyed or has_params(referer.decode("latin-1"), params)):
            del request.headers["Referer"]
        return None

    def count(self, spider: Spider, key: str) -> None:
        """Increment a stats counter of the request's source."""
        stats = getattr(getattr(spider, "crawler", None), "stats", None)
        if stats is not None:
            stats.inc_value(key)
