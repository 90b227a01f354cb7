"""Spider for Recruitee career sites through their public Careers Site API.

Endpoint: ``GET {api_base}/api/offers/`` where the default ``api_base`` is the company's own
host, ``https://{subdomain}.recruitee.com``; an entry's ``api_base`` replaces that whole part (for
a company that serves its careers site on its own domain). One request returns every published
offer in ``offers``; there is no pagination.

Each offer object is stored as it came (``parser.py`` reads it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from scrapers.items import JobPostingItem
from scrapers.spiders.base import PostingsSpider

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response

#: A company's careers subdomain: one DNS label.
_SUBDOMAIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


class RecruiteeSpider(PostingsSpider):
    """One Recruitee company: ``{kind: recruitee, subdomain: <subdomain>}``."""

    name = "recruitee"
    identity_option = "subdomain"
    default_api_base = "https://{subdomain}.recruitee.com"

    @classmethod
    def validate_options(cls, options: dict[str, Any]) -> str:
        """Check that ``subdomain`` is one DNS label (it becomes part of a host name)."""
        key = super().validate_options(options)
        if not _SUBDOMAIN.match(str(options["subdomain"])):
            raise ValueError(
                "subdomain must be a Recruitee subdomain (one DNS label), "
                f"got {options['subdomain']!r}"
            )
        return key

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.api_base = self.api_base.replace("{subdomain}", str(self.options["subdomain"]))

    def initial_requests(self) -> Iterable[Request]:
        yield self.request(f"{self.api_base}/api/offers/", self.parse)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[JobPostingItem]:
        """Yield one envelope per published offer."""
        data = self.load_json(response)
        if data is None:
            return
        offers = data.get("offers") if isinstance(data, dict) else None
        if not isinstance(offers, list):
            self.record_error("unexpected_shape", response.url, "no 'offers' list in the response")
            return
        yield from self.envelopes(offers, response, lambda offer: offer["id"])
