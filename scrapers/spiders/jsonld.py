"""Spider for career sites that publish schema.org ``JobPosting`` JSON-LD in their pages.

Many career sites and job boards embed each posting as ``<script type="application/ld+json">``
for search engines (Google for Jobs). That block is the site's own structured record of the
posting, so one generic spider reads any such site: it starts from a sitemap (or sitemap index),
from the ``Sitemap:`` lines of a robots.txt, or from a list of page URLs, and yields one item per
``JobPosting`` object found, whether the block holds a single object, a list or an ``@graph``.
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
_ESCAPED_TAG = re.compile(r"&lt;/?[a-zA-Z]")


def is_job_posting(node: Any) -> bool:
    """True for a JSON-LD node typed JobPosting (``@type`` as a string or a list, any prefix)."""
    if not isinstance(node, dict):
        return False
    types = node.get("@type")
    names = types if isinstance(types, list) else [types]
    return any(isinstance(name, str) and re.split(r"[/:#]", name)[-1] == "JobPosting"
               for name in names)


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


def _name(value: Any) -> str | None:
    """The name of a JSON-LD thing given as a string, an object with ``name`` or a list."""
    if isinstance(value, list):
        return next((name for name in map(_name, value) if name), None)
    if isinstance(value, dict):
        return _text(value.get("name"))
    return _text(value)


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


def place_text(place: Any) -> str | None:
    """One ``jobLocation`` as "locality, region, country" (or the place's name)."""
    if isinstance(place, str):
        return _text(place)
    if not isinstance(place, dict):
        return None
    address = place.get("address")
    if isinstance(address, list):
        address = address[0] if address else None
    if isinstance(address, str):
        return _text(address)
    if isinstance(address, dict):
        parts = [_name(address.get(key))
                 for key in ("addressLocality", "addressRegion", "addressCountry")]
        joined = ", ".join(part for part in parts if part)
        if joined:
            return joined
    return _text(place.get("name"))


def location_text(job_location: Any) -> str | None:
    """All of a posting's ``jobLocation`` places, joined with "; "."""
    places = job_location if isinstance(job_location, list) else [job_location]
    texts = [text for text in map(place_text, places) if text]
    return "; ".join(texts) or None


def joined_text(value: Any) -> str | None:
    """A value that may be a string or a list of strings (``employmentType``), as one text."""
    if isinstance(value, list):
        return ", ".join(text for text in map(_text, value) if text) or None
    return _text(value)


def page_key(url: str) -> str:
    """A page's path and query: its id within a site when its postings carry no identifier.

    The scheme and host are left out so that the id does not change when a site moves from
    http to https, or when a recording is replayed from another local port.
    """
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def description_format(description: str | None) -> str:
    """``html_escaped`` for descriptions whose tags are entity-escaped (``&lt;p&gt;``), as some
    sites publish them; ``html`` otherwise."""
    if description and "<" not in description and _ESCAPED_TAG.search(description):
        return "html_escaped"
    return "html"


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
            self.record_error("invalid_sitemap", response.url,
                              f"root element is {sitemap.type!r}, not urlset or sitemapindex")
            return
        self.xml_parses_completely(response, body)  # read as far as it goes, but partial
        callback = self.parse_sitemap if sitemap.type == "sitemapindex" else self.parse_page
        pages = 0
        for entry in sitemap:
            location = (entry.get("loc") or "").strip()
            if location:
                pages += 1
                yield self.request(response.urljoin(location), callback, meta={"scope": "link"})
        logger.info("%s: %s lists %d %s", self.source_key, response.url, pages,
                    "sitemaps" if sitemap.type == "sitemapindex" else "pages")

    def parse_page(self, response: Response, **kwargs: Any) -> Iterator[JobPostingItem]:
        """Yield one item per JobPosting in the page's JSON-LD blocks."""
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
                self.record_error("invalid_jsonld", f"{response.url} (block {position})",
                                  f"not JSON ({error})"[:300])
            except RecursionError:
                self.record_error("invalid_jsonld", f"{response.url} (block {position})",
                                  "JSON nested too deeply to read")
        if not postings:
            self.count("postings/pages_without_jobposting")
            return
        several = len(postings) > 1

        def build(numbered: tuple[int, dict[str, Any]]) -> JobPostingItem:
            position, posting = numbered
            return self.build_item(posting, response, position if several else None)

        yield from self.each_record(
            enumerate(postings), build,
            lambda numbered: posting_identifier(numbered[1]) or f"{response.url}#{numbered[0]}",
        )

    def build_item(self, posting: dict[str, Any], response: Response,
                   position: int | None = None) -> JobPostingItem:
        """Map one JobPosting object to an item, values as published.

        Without an ``identifier`` the page's path and query are the posting's id (with ``#<n>``
        when a page holds several postings); see :func:`page_key`.
        """
        page_url = response.url
        posting_id = posting_identifier(posting)
        if posting_id is None:
            key = page_key(page_url)
            posting_id = key if position is None else f"{key}#{position}"
        url = _text(posting.get("url"))
        description = posting.get("description")
        description = description if isinstance(description, str) else None
        return self.item(
            source_posting_id=posting_id,
            url=response.urljoin(url) if url else page_url,
            title=_text(posting.get("title")) or _text(posting.get("name")),
            company_name=_name(posting.get("hiringOrganization")) or self.options.get("company"),
            location=location_text(posting.get("jobLocation")),
            remote=joined_text(posting.get("jobLocationType")),
            employment_type=joined_text(posting.get("employmentType")),
            posted_at=_text(posting.get("datePosted")),
            description=description,
            description_format=description_format(description),
            payload=dump_payload(posting),
        )
