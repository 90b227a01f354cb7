"""Spider for Recruitee career sites through their public Careers Site API.

Endpoint: ``GET {api_base}/api/offers/`` where the default ``api_base`` is the company's own
host, ``https://{subdomain}.recruitee.com``; an entry's ``api_base`` replaces that whole part (for
a company that serves its careers site on its own domain). One request returns every published
offer in ``offers``; there is no pagination.

An offer carries its description and requirements as two HTML fields (the careers page shows
them one after the other), ``remote``/``hybrid``/``on_site`` flags, ``salary`` (min, max,
currency, period), ``employment_type_code``, ``locations`` and ``translations``; everything
beyond the item's fields stays in the payload. ``published_at`` is written
``2026-08-05 10:10:39 UTC``.
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


def workplace_from_flags(offer: dict[str, Any]) -> str | None:
    """Recruitee's ``remote``, ``hybrid`` and ``on_site`` flags as one workplace word.

    The first flag that is true names it (``remote``, ``hybrid``, ``onsite``); None when no flag
    is true.
    """
    for flag, word in (("remote", "remote"), ("hybrid", "hybrid"), ("on_site", "onsite")):
        if offer.get(flag) is True:
            return word
    return None


class RecruiteeSpider(PostingsSpider):
    """One Recruitee company: ``{kind: recruitee, subdomain: <subdomain>}``."""

    name = "recruitee"
    identity_option = "subdomain"
    default_api_base = "https://{subdomain}.recruitee.com"

    @classmethod
    def validate_options(cls, options: dict[str, Any]) -> str:
        """Check that ``company`` is a subdomain (it becomes part of a host name)."""
        key = super().validate_options(options)
        if not _SUBDOMAIN.match(str(options["subdomain"])):
            raise ValueError(f"company must be a Recruitee subdomain, got {options['company']!r}")
        return key

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.api_base = self.api_base.replace("{subdomain}", str(self.options["subdomain"]))

    def initial_requests(self) -> Iterable[Request]:
        yield self.request(f"{self.api_base}/api/offers/", self.parse)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[JobPostingItem]:
        """Yield one item per published offer."""
        data = self.load_json(response)
        if data is None:
            return
        offers = data.get("offers") if isinstance(data, dict) else None
        if not isinstance(offers, list):
            self.record_error("unexpected_shape", response.url, "no 'offers' list in the response")
            return
        yield from self.each_record(offers, self.build_item, lambda offer: offer.get("id"))

    def build_item(self, offer: dict[str, Any]) -> JobPostingItem:
        """Map one offer to an item, values as published."""
        description = (offer.get("description") or "") + (offer.get("requirements") or "")
        return self.item(
            source_posting_id=offer["id"],
            url=offer.get("careers_url"),
            title=offer.get("title"),
            company_name=offer.get("company_name") or self.options.get("company")
            or self.options["subdomain"],
            location=offer.get("location") or None,
            remote=workplace_from_flags(offer),
            department=offer.get("department"),
            employment_type=offer.get("employment_type_code"),
            posted_at=offer.get("published_at") or offer.get("created_at"),
            description=description or None,
            payload=dump_payload(offer),
        )
