"""Spider for We Work Remotely (https://weworkremotely.com), a board of remote jobs, through its
RSS feeds.

Endpoints (default host weworkremotely.com): ``GET /remote-jobs.rss`` (every category) or a
category feed such as ``/categories/remote-devops-sysadmin-jobs.rss``; an entry picks feeds with
``feeds`` (a list of paths or URLs) or ``url`` (one feed URL). Each feed is one request and
holds the board's current jobs of that feed; there are no pages.

Each ``<item>`` is one posting, identified by its ``guid`` (the posting's URL; ``link`` when
there is none). The payload is the ``<item>`` element serialised as XML (``payload_format``
"xml"), with the namespaces it uses declared on it; ``parser.py`` reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from lxml import etree

from scrapers.items import JobPostingItem
from scrapers.spiders.base import PostingsSpider

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response

#: The feed of every category.
DEFAULT_FEED = "/remote-jobs.rss"
#: A feed is data, never a document to fetch more from: no entities, no network, CDATA kept.
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, strip_cdata=False)


def _child_text(item: Any, tag: str) -> str | None:
    """The stripped text of ``item``'s child ``tag``; None when absent or empty."""
    text = item.findtext(tag)
    return text.strip() or None if text is not None else None


class WeworkremotelySpider(PostingsSpider):
    """One or more We Work Remotely feeds: ``{kind: weworkremotely}`` reads every category;
    ``{kind: weworkremotely, feeds: [/categories/remote-devops-sysadmin-jobs.rss]}`` some."""

    name = "weworkremotely"
    default_api_base = "https://weworkremotely.com"

    @classmethod
    def validate_options(cls, options: dict[str, Any]) -> str:
        """Check ``feeds``; key ``weworkremotely:all`` or the feeds' paths, unless named."""
        feeds = options.get("feeds")
        if feeds is not None and (
            not isinstance(feeds, list)
            or not feeds
            or not all(isinstance(feed, str) and feed.strip() for feed in feeds)
        ):
            raise ValueError(f"feeds must be a list of feed paths or URLs, got {feeds!r}")
        chosen = feeds or ([options["url"]] if options.get("url") else [])
        paths = [urlsplit(feed).path.strip("/") or feed for feed in chosen]
        return f"{cls.name}:{options.get('name') or ','.join(paths) or 'all'}"

    def feed_urls(self) -> list[str]:
        """The absolute URL of every feed of this entry."""
        feeds = self.options.get("feeds") or [self.options.get("url") or DEFAULT_FEED]
        host = str(self.options.get("api_base") or self.default_api_base).rstrip("/")
        return [feed if urlsplit(feed).scheme else f"{host}/{feed.lstrip('/')}" for feed in feeds]

    def initial_requests(self) -> Iterable[Request]:
        for url in self.feed_urls():
            yield self.request(url, self.parse)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[JobPostingItem]:
        """Yield one envelope per ``<item>`` of the feed."""
        try:
            root = etree.fromstring(response.body, _XML_PARSER)
        except etree.XMLSyntaxError as error:
            self.record_error("invalid_xml", response.url, f"feed is not XML ({error})"[:300])
            return
        if root.tag != "rss" or root.find("channel") is None:
            self.record_error(
                "unexpected_shape",
                response.url,
                f"expected an RSS <rss><channel>, got <{root.tag}>",
            )
            return
        items = root.find("channel").findall("item")
        yield from self.each_record(
            items,
            lambda item: self.build_item(item, response.url),
            lambda item: _child_text(item, "guid"),
        )

    def build_item(self, item: Any, feed_url: str) -> JobPostingItem:
        """The envelope of one ``<item>``: its guid (or link), the element as the feed wrote it."""
        posting_id = _child_text(item, "guid") or _child_text(item, "link")
        if posting_id is None:
            raise ValueError("item has neither <guid> nor <link>")
        return self.item(
            source_posting_id=posting_id,
            url=feed_url,
            payload=etree.tostring(item, encoding="unicode", with_tail=False),
            payload_format="xml",
        )
