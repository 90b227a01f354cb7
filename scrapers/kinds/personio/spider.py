"""Spider for Personio career sites through their public XML job feed.

Endpoint: ``GET {api_base}/xml`` (``?language=de`` when the entry sets ``language``), where the
default ``api_base`` is the company's host, ``https://{subdomain}.jobs.personio.de``; companies on
``{subdomain}.jobs.personio.com`` set ``api_base`` to that host. One request returns the whole
feed: a ``<workzag-jobs>`` root with one ``<position>`` element per job and no pagination.

Each ``<position>`` element is stored serialised as XML (``parser.py`` reads it). A feed can
list the same position twice (same id, same content): the spider yields both, and the validate
pipeline keeps the first and counts the other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from scrapy import Selector

from scrapers.items import JobPostingItem
from scrapers.spiders.base import PostingsSpider

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response

#: A company's careers subdomain: one DNS label.
_SUBDOMAIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


def _text(node: Selector, path: str) -> str | None:
    """The stripped text of the first element at ``path``; None when absent or empty."""
    value = node.xpath(f"{path}/text()").get()
    value = value.strip() if value is not None else None
    return value or None


class PersonioSpider(PostingsSpider):
    """One Personio company: ``{kind: personio, subdomain: <subdomain>}``."""

    name = "personio"
    identity_option = "subdomain"
    default_api_base = "https://{subdomain}.jobs.personio.de"

    @classmethod
    def validate_options(cls, options: dict[str, Any]) -> str:
        """Check that ``subdomain`` is one DNS label (it becomes part of a host name)."""
        key = super().validate_options(options)
        if not _SUBDOMAIN.match(str(options["subdomain"])):
            raise ValueError(
                "subdomain must be a Personio subdomain (one DNS label), "
                f"got {options['subdomain']!r}"
            )
        return key

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.api_base = self.api_base.replace("{subdomain}", str(self.options["subdomain"]))

    def initial_requests(self) -> Iterable[Request]:
        language = self.options.get("language")
        query = f"?language={quote(str(language), safe='')}" if language else ""
        yield self.request(f"{self.api_base}/xml{query}", self.parse)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[JobPostingItem]:
        """Yield one envelope per ``<position>`` of the feed, duplicates included."""
        self.xml_parses_completely(response)  # a broken feed is read as far as it goes: partial
        feed = Selector(text=response.text, type="xml")
        if not feed.xpath("/workzag-jobs"):
            self.record_error(
                "unexpected_shape", response.url, "not a Personio feed (no <workzag-jobs> root)"
            )
            return
        yield from self.each_record(
            feed.xpath("/workzag-jobs/position"),
            lambda position: self.envelope(position, response.url),
            lambda position: _text(position, "id"),
        )

    def envelope(self, position: Selector, feed_url: str) -> JobPostingItem:
        """The envelope of one ``<position>`` element: its id and the element as XML."""
        posting_id = _text(position, "id")
        if posting_id is None:
            raise ValueError("position has no <id>")
        return self.item(
            source_posting_id=posting_id, url=feed_url, payload=position.get(), payload_format="xml"
        )
