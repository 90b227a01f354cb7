"""Parse a stored Recruitee offer object (Careers Site API, ``/api/offers/``).

An offer carries its description and requirements as two HTML fields (the careers page shows
them one after the other), ``remote``/``hybrid``/``on_site`` flags, ``salary`` (min, max,
currency, period) and its place both as ``location`` text and as ``city``, ``state_name`` and
``country_code``. Dates are written ``2026-08-05 10:10:39 UTC``.
"""

from __future__ import annotations

from typing import Any

from scrapers.parsing import (
    ParseContext,
    PostingFields,
    description,
    dig,
    first_text,
    load_json_object,
    text,
)


def workplace_from_flags(offer: dict[str, Any]) -> str | None:
    """The first of the ``remote``, ``hybrid`` and ``on_site`` flags that is true, as a word."""
    for flag, word in (("remote", "remote"), ("hybrid", "hybrid"), ("on_site", "onsite")):
        if offer.get(flag) is True:
            return word
    return None


def parse(payload: str, context: ParseContext) -> PostingFields:
    """The offer's fields as the careers site publishes them."""
    offer = load_json_object(payload)
    html = "".join(
        part
        for part in (offer.get("description"), offer.get("requirements"))
        if isinstance(part, str)
    )
    description_format, description_text = description(html, "html")
    return PostingFields(
        title=text(offer.get("title")),
        company_name=first_text(offer.get("company_name"), context.company, context.identity),
        location=text(offer.get("location")),
        country=text(offer.get("country_code")),
        region=first_text(offer.get("state_name"), offer.get("state_code")),
        city=text(offer.get("city")),
        remote=workplace_from_flags(offer),
        department=text(offer.get("department")),
        employment_type=text(offer.get("employment_type_code")),
        posted_at=first_text(offer.get("published_at"), offer.get("created_at")),
        updated_at=text(offer.get("updated_at")),
        expires_at=text(offer.get("close_at")),
        url=text(offer.get("careers_url")),
        apply_url=text(offer.get("careers_apply_url")),
        salary_currency=text(dig(offer, "salary", "currency")),
        salary_min=text(dig(offer, "salary", "min")),
        salary_max=text(dig(offer, "salary", "max")),
        salary_interval=text(dig(offer, "salary", "period")),
        description_format=description_format,
        description_text=description_text,
    )
