"""Spider for Teamtailor career sites through their public JSON Feed.

Endpoint: ``GET {api_base}/jobs.json`` where the default ``api_base`` is the company's career
site, ``https://{subdomain}.teamtailor.com``; a career site on the company's own domain sets
``api_base`` to it. The recorded answer (Teamtailor's own site) names itself
``"feed_url": "https://career.teamtailor.com/jobs.json"``: it is a JSON Feed 1.1 document that
every career site publishes without a key, unlike Teamtailor's REST API (api.teamtailor.com),
which needs a company's private token. JSON Feed pages with ``next_url``; the spider follows it
while there is one, up to ``max_pages``.

Each feed item is stored as it came (``parser.py`` reads it). The feed's ``title`` (the
company's name) is not part of an item, so it travels in the envelope's context.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from scrapers.spiders.base import PostingsSpider

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response

#: A company's careers subdomain: one DNS label.
_SUBDOMAIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
#: Feed pages read at most unless an entry sets ``max_pages``.
DEFAULT_MAX_PAGES = 50


def _max_pages(options: dict[str, Any]) -> int:
    """The entry's ``max_pages``, checked."""
    value = options.get("max_pages", DEFAULT_MAX_PAGES)
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or int(text) < 1:
        raise ValueError(f"max_pages must be a whole number of at least 1, got {value!r}")
    return int(text)


class TeamtailorSpider(PostingsSpider):
    """One Teamtailor career site: ``{kind: teamtailor, subdomain: <subdomain>}``."""

    name = "teamtailor"
    identity_option = "subdomain"
    default_api_base = "https://{subdomain}.teamtailor.com"

    @classmethod
    def validate_options(cls, options: dict[str, Any]) -> str:
        """Check ``subdomain`` (it becomes part of a host name) and ``max_pages``."""
        key = super().validate_options(options)
        if not _SUBDOMAIN.match(str(options["subdomain"])):
            raise ValueError(
                "subdomain must be a Teamtailor subdomain (one DNS label), "
                f"got {options['subdomain']!r}"
            )
        _max_pages(options)
        return key

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.api_base = self.api_base.replace("{subdomain}", str(self.options["subdomain"]))
        #: The ``title`` of the feed being read (read by :meth:`source_context`).
        self.feed_title: str | None = None

    def source_context(self) -> dict[str, Any]:
        """The entry's company and the feed's title, which names the company too."""
        context = super().source_context()
        if self.feed_title:
            context["feed_title"] = self.feed_title
        return context

    def initial_requests(self) -> Iterable[Request]:
        yield self.request(f"{self.api_base}/jobs.json", self.parse, cb_kwargs={"page": 1})

    def parse(self, response: Response, page: int = 1, **kwargs: Any) -> Iterator[Any]:
        """Yield one envelope per feed item, then follow ``next_url`` when the feed pages."""
        data = self.load_json(response)
        if data is None:
            return
        items = data.get("items") if isinstance(data, dict) else None
        if not isinstance(items, list):
            self.record_error("unexpected_shape", response.url, "no 'items' list in the feed")
            return
        title = data.get("title")
        self.feed_title = title.strip() or None if isinstance(title, str) else None
        yield from self.envelopes(items, response, lambda entry: entry["id"])
        next_url = data.get("next_url")
        if not items or not isinstance(next_url, str) or not next_url:
            return
        if page >= _max_pages(self.options):
            self.record_error(
                "max_pages_reached",
                response.url,
                f"stopped after {page} pages; the feed names a next page",
            )
            return
        yield self.request(response.urljoin(next_url), self.parse, cb_kwargs={"page": page + 1})
