"""Spider for career sites that publish schema.org ``JobPosting`` JSON-LD in their pages.

Many career sites and job boards embed each posting as ``<script type="application/ld+json">``
for search engines (Google for Jobs). That block is the site's own structured record of the
posting, so one generic spider reads any such site: it starts from a sitemap (or sitemap index),
from the ``Sitemap:`` lines of a robots.txt, or from a list of page URLs, and yields one envelope
per ``JobPosting`` object found, whether the block holds a single object, a list or an ``@graph``:
the object exactly as the page published it (``payload_format: jsonld``; ``parser.py`` reads
it), fetched from the page's URL.
Pages without a JobPosting are counted, not treated as errors: sitemaps list every page of a
site.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.http import TextResponse
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from scrapers.items import JobPostingItem
from scrapers.spiders.base import PostingsSpider, dump_payload

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response

logger = logging.getLogger(__name__)

#: Options that say where a crawl starts; an entry gives exactly one of them.
START_OPTIONS = ("sitemap", "robots", "urls")
#: The JSON-LD blocks of a page (the type is matched loosely: some sites add a charset).
_JSONLD_XPATH = (
    '//script[contains(translate(@type, "APPLICATONLDJS", "applicatonldjs"), "ld+json")]/text()'
)
#: Wrappers some sites put around a block's JSON.
_BLOCK_WRAPPERS = re.compile(r"^\s*(?://\s*)?(?:<!--|<!\[CDATA\[)|(?://\s*)?(?:-->|\]\]>)\s*$")


def is_job_posting(node: Any) -> bool:
    """True for a JSON-LD node typed JobPosting (``@type`` as a string or a list, any prefix)."""
    if not isinstance(node, dict):
        return False
    types = node.get("@type")
    names = types if isinstance(types, list) else [types]
    return any(
        isinstance(name, str) and re.split(r"[/:#]", name)[-1] == "JobPosting" for name in names
    )


def find_job_postings(node: Any) -> Iterator[dict[str, Any]]:
    """Every JobPosting in a JSON-LD document: a single object, a list, an ``@graph``, or nested
    in another node (``mainEntity`` of a WebPage, an ItemList)."""
    if isinstance(node, list):
        for child in node:
            yield from find_job_postings(child)
    elif isinstance(node, dict):
        if is_job_posting(node):
            yield node
            return
        for value in node.values():
            if isinstance(value, dict | list):
                yield from find_job_postings(value)


def _text(value: Any) -> str | None:
    """A scalar JSON-LD value as text; None for empty values."""
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip()
    return text or None


def posting_identifier(posting: dict[str, Any]) -> str | None:
    """The posting's ``identifier``: a PropertyValue's ``value``, or the identifier text."""
    identifier = posting.get("identifier")
    if isinstance(identifier, list):
        return next((value for value in map(_identifier_value, identifier) if value), None)
    return _identifier_value(identifier)


def _identifier_value(identifier: Any) -> str | None:
    if isinstance(identifier, dict):
        return _text(identifier.get("value", identifier.get("@value")))
    return _text(identifier)


def page_key(url: str) -> str:
    """A page's path and query: its id within a site when its postings carry no identifier.

    The scheme and host are left out so that the id does not change when a site moves from
    http to https, or when a recording is replayed from another local port.
    """
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


class JsonldSpider(PostingsSpider):
    """One site's JobPosting pages: ``{kind: jsonld, sitemap: <url>}``.

    Instead of ``sitemap`` an entry may give ``robots`` (a robots.txt URL whose ``Sitemap:``
    lines are followed) or ``urls`` (a list of page URLs). The source key is ``jsonld:<name>``,
    or ``jsonld:<host of the start URL>``.
    """

    name = "jsonld"

    @classmethod
    def validate_options(cls, options: dict[str, Any]) -> str:
        """Check that exactly one start is given, as http(s) URLs; return the source key."""
        starts = [option for option in START_OPTIONS if options.get(option)]
        if not starts:
            raise KeyError(f"one of {', '.join(map(repr, START_OPTIONS))} is required")
        if len(starts) > 1:
            raise ValueError(f"give only one of {', '.join(map(repr, starts))}")
        start = starts[0]
        value = options[start]
        if start == "urls":
            if not isinstance(value, list) or not all(isinstance(url, str) for url in value):
                raise ValueError(f"urls must be a list of page URLs, got {value!r}")
            urls = value
        elif isinstance(value, str):
            urls = [value]
        else:
            raise ValueError(f"{start} must be a URL, got {value!r}")
        for url in urls:
            if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
                raise ValueError(f"{start}: not an http(s) URL: {url!r}")
        return f"{cls.name}:{options.get('name') or urlsplit(urls[0]).hostname}"

    # ------------------------------------------------------------------ requests
    def initial_requests(self) -> Iterable[Request]:
        if self.options.get("sitemap"):
            yield self.request(self.options["sitemap"], self.parse_sitemap)
        elif self.options.get("robots"):
            yield self.request(self.options["robots"], self.parse_robots)
        else:
            for url in self.options["urls"]:
                yield self.request(url, self.parse_page)

    # ------------------------------------------------------------------ callbacks
    def parse_robots(self, response: Response) -> Iterator[Request]:
        """Follow every ``Sitemap:`` line of a robots.txt."""
        urls = list(sitemap_urls_from_robots(response.body, base_url=response.url))
        if not urls:
            self.record_error("no_sitemap", response.url, "robots.txt has no Sitemap: line")
        for url in urls:
            yield self.request(url, self.parse_sitemap, meta={"scope": "link"})

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        """Follow a sitemap index's sitemaps, or request every page of a sitemap."""
        body = response.body
        if gzip_magic_number(response):
            try:
                body = gunzip(body, max_size=64 * 1024 * 1024)
            except Exception as error:
                self.record_error("invalid_sitemap", response.url, f"cannot gunzip: {error}")
                return
        try:
            sitemap = Sitemap(body)
        except Exception as error:  # lxml gives up on a body that is not XML at all
            self.record_error("invalid_sitemap", response.url, f"not a sitemap ({error})"[:300])
            return
        if sitemap.type not in ("sitemapindex", "urlset"):
            self.record_error(
                "invalid_sitemap",
                response.url,
                f"root element is {sitemap.type!r}, not urlset or sitemapindex",
            )
            return
        self.xml_parses_completely(response, body)  # read as far as it goes, but partial
        callback = self.parse_sitemap if sitemap.type == "sitemapindex" else self.parse_page
        pages = 0
        for entry in sitemap:
            location = (entry.get("loc") or "").strip()
            if location:
                pages += 1
                yield self.request(response.urljoin(location), callback, meta={"scope": "link"})
        logger.info(
            "%s: %s lists %d %s",
            self.source_key,
            response.url,
            pages,
            "sitemaps" if sitemap.type == "sitemapindex" else "pages",
        )

    def parse_page(self, response: Response, **kwargs: Any) -> Iterator[JobPostingItem]:
        """Yield one envelope per JobPosting in the page's JSON-LD blocks."""
        if not isinstance(response, TextResponse):
            self.record_error("not_html", response.url, "the page is not text")
            return
        self.body_decodes(response)  # bad bytes are replaced, counted and named; the page goes on
        postings: list[dict[str, Any]] = []
        for position, block in enumerate(response.xpath(_JSONLD_XPATH).getall()):
            text = _BLOCK_WRAPPERS.sub("", block).strip()
            if not text:
                continue
            try:
                document = json.loads(text, strict=False)
                postings.extend(find_job_postings(document))
            except ValueError as error:
                self.record_error(
                    "invalid_jsonld",
                    f"{response.url} (block {position})",
                    f"not JSON ({error})"[:300],
                )
            except RecursionError:
                self.record_error(
                    "invalid_jsonld",
                    f"{response.url} (block {position})",
                    "JSON nested too deeply to read",
                )
        if not postings:
            self.count("postings/pages_without_jobposting")
            return
        several = len(postings) > 1

        def build(numbered: tuple[int, dict[str, Any]]) -> JobPostingItem:
            position, posting = numbered
            return self.envelope(posting, response, position if several else None)

        yield from self.each_record(
            enumerate(postings),
            build,
            lambda numbered: posting_identifier(numbered[1]) or f"{response.url}#{numbered[0]}",
        )

    def envelope(
        self, posting: dict[str, Any], response: Response, position: int | None = None
    ) -> JobPostingItem:
        """The envelope of one JobPosting object of a page.

        Without an ``identifier`` the page's path and query are the posting's id (with ``#<n>``
        when a page holds several postings); see :func:`page_key`.
        """
        posting_id = posting_identifier(posting)
        if posting_id is None:
            key = page_key(response.url)
            posting_id = key if position is None else f"{key}#{position}"
        return self.item(
            source_posting_id=posting_id,
            url=response.url,
            payload=dump_payload(posting),
            payload_format="jsonld",
        )
