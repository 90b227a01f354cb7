"""Parse a stored Teamtailor JSON Feed item (``/jobs.json``).

Each feed item has ``id``, ``title``, ``url``, ``date_published`` and, in ``_jobposting``, the
posting's schema.org JobPosting (``identifier``, ``jobLocation`` places, ``employmentType``,
``jobLocationType``, ``baseSalary`` and ``hiringOrganization`` when the site publishes them).
``location`` is each place as "locality, country code", ``; ``-separated; ``addressRegion`` is
left out because Teamtailor fills it with a region of its own ("Europe" beside Madrid). Country
and city are read only for a posting in one place.
"""

from __future__ import annotations

from typing import Any

from scrapers.parsing import (
    ParseContext,
    PostingFields,
    description,
    dig,
    first_text,
    joined,
    labels,
    load_json_object,
    text,
)


def as_list(value: Any) -> list[Any]:
    """A JSON-LD value that may be one object or a list, as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def places(posting: dict[str, Any]) -> list[Any]:
    """The addresses of the JobPosting's places (a text or a PostalAddress each)."""
    return [
        place.get("address")
        for place in as_list(posting.get("jobLocation"))
        if isinstance(place, dict)
    ]


def location_text(addresses: list[Any]) -> str | None:
    """The places as "Madrid, ES; København, DK"."""
    found = []
    for address in addresses:
        if isinstance(address, str) and address.strip():
            found.append(address.strip())
        elif isinstance(address, dict):
            place = ", ".join(
                part
                for part in (
                    text(address.get("addressLocality")),
                    text(address.get("addressCountry")),
                )
                if part
            )
            if place:
                found.append(place)
    return "; ".join(dict.fromkeys(found)) or None


def feed_description(
    entry: dict[str, Any], posting: dict[str, Any]
) -> tuple[str | None, str | None]:
    """``content_html``, else ``content_text``, else the JobPosting's ``description``."""
    if entry.get("content_html") is not None:
        return description(entry["content_html"], "html")
    if entry.get("content_text") is not None:
        return description(entry["content_text"], "text")
    return description(posting.get("description"), "html")


def parse(payload: str, context: ParseContext) -> PostingFields:
    """The posting's fields as the career site publishes them."""
    entry = load_json_object(payload)
    posting = entry.get("_jobposting")
    posting = posting if isinstance(posting, dict) else {}
    addresses = places(posting)
    single = addresses[0] if len(addresses) == 1 and isinstance(addresses[0], dict) else {}
    salary = posting.get("baseSalary")
    organisation = posting.get("hiringOrganization")
    description_format, description_text = feed_description(entry, posting)
    return PostingFields(
        title=first_text(entry.get("title"), posting.get("title")),
        company_name=first_text(
            dig(organisation, "name"),
            context.context.get("feed_title"),
            context.company,
            context.identity,
        ),
        location=location_text(addresses),
        country=text(single.get("addressCountry")),
        city=text(single.get("addressLocality")),
        remote=joined(posting.get("jobLocationType")),
        employment_type=joined(posting.get("employmentType")),
        posted_at=first_text(entry.get("date_published"), posting.get("datePosted")),
        updated_at=text(entry.get("date_modified")),
        expires_at=text(posting.get("validThrough")),
        url=text(entry.get("url")),
        salary_currency=text(dig(salary, "currency")),
        salary_min=first_text(dig(salary, "value", "minValue"), dig(salary, "value", "value")),
        salary_max=first_text(dig(salary, "value", "maxValue"), dig(salary, "value", "value")),
        salary_interval=text(dig(salary, "value", "unitText")),
        description_format=description_format,
        description_text=description_text,
        industry_labels=labels(posting.get("industry") or dig(organisation, "industry") or []),
    )
