"""Spider for Teamtailor career sites through their public JSON Feed.

Endpoint: ``GET {api_base}/jobs.json`` where the default ``api_base`` is the company's career
site, ``https://{subdomain}.teamtailor.com``; a career site on the company's own domain sets
``api_base`` to it. The recorded answer (Teamtailor's own site) names itself
``"feed_url": "https://career.teamtailor.com/jobs.json"``: it is a JSON Feed 1.1 document that
every career site publishes without a key, unlike Teamtailor's REST API (api.teamtailor.com),
which needs a company's private token. JSON Feed pages with ``next_url``; the spider follows it
while there is one, up to ``max_pages``.

Each feed item has ``id``, ``title``, ``url``, ``date_published`` and, in ``_jobposting``, the
posting's schema.org JobPosting (``identifier``, ``jobLocation`` places, ``employmentType``,
``jobLocationType`` and ``hiringOrganization`` when the site publishes them). ``location`` is
each place as "locality, country code", ``; ``-separated; ``addressRegion`` is left out of it
because Teamtailor fills it with a region of its own ("Europe" beside Madrid).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from scrapers.items import JobPostingItem
from scrapers.spiders.base import PostingsSpider, dump_payload

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


def _as_list(value: Any) -> list[Any]:
    """A JSON-LD value that may be one object or a list, as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def teamtailor_location(posting: dict[str, Any]) -> str | None:
    """The JobPosting's places as "Madrid, ES; København, DK"."""
    places = []
    for place in _as_list(posting.get("jobLocation")):
        address = place.get("address") if isinstance(place, dict) else None
        if isinstance(address, str):
            places.append(address)
        elif isinstance(address, dict):
            parts = [address.get("addressLocality"), address.get("addressCountry")]
            text = ", ".join(str(part) for part in parts if part)
            if text:
                places.append(text)
    return "; ".join(dict.fromkeys(places)) or None


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
            raise ValueError(f"subdomain must be a Teamtailor subdomain, "
                             f"got {options['subdomain']!r}")
        _max_pages(options)
        return key

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.api_base = self.api_base.replace("{subdomain}", str(self.options["subdomain"]))

    def initial_requests(self) -> Iterable[Request]:
        yield self.request(f"{self.api_base}/jobs.json", self.parse, cb_kwargs={"page": 1})

    def parse(self, response: Response, page: int = 1, **kwargs: Any) -> Iterator[Any]:
        """Yield one item per feed item, then follow ``next_url`` when the feed pages."""
        data = self.load_json(response)
        if data is None:
            return
        items = data.get("items") if isinstance(data, dict) else None
        if not isinstance(items, list):
            self.record_error("unexpected_shape", response.url, "no 'items' list in the feed")
            return
        feed_title = data.get("title")
        yield from self.each_record(items, lambda entry: self.build_item(entry, feed_title),
                                    lambda entry: entry.get("id"))
        next_url = data.get("next_url")
        if not items or not isinstance(next_url, str) or not next_url:
            return
        if page >= _max_pages(self.options):
            self.record_error("max_pages_reached", response.url,
                              f"stopped after {page} pages; the feed names a next page")
            return
        yield self.request(response.urljoin(next_url), self.parse, cb_kwargs={"page": page + 1})

    def build_item(self, entry: dict[str, Any], feed_title: str | None = None) -> JobPostingItem:
        """Map one feed item to an item, values as published."""
        posting = entry.get("_jobposting") or {}
        organisation = posting.get("hiringOrganization")
        organisation_name = organisation.get("name") if isinstance(organisation, dict) else None
        employment = _as_list(posting.get("employmentType"))
        if entry.get("content_html") is not None:
            description, description_format = entry["content_html"], "html"
        elif entry.get("content_text") is not None:
            description, description_format = entry["content_text"], "text"
        else:
            description, description_format = posting.get("description"), "html"
        return self.item(
            source_posting_id=entry["id"],
            url=entry.get("url"),
            title=entry.get("title") or posting.get("title"),
            company_name=organisation_name or feed_title or self.options.get("company")
            or self.options["subdomain"],
            location=teamtailor_location(posting),
            remote=", ".join(map(str, _as_list(posting.get("jobLocationType")))) or None,
            employment_type=", ".join(map(str, employment)) or None,
            posted_at=entry.get("date_published") or posting.get("datePosted"),
            description=description or None,
            description_format=description_format,
            payload=dump_payload(entry),
        )
