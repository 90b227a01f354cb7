"""Parse a stored schema.org ``JobPosting`` object (a JSON-LD block of a career page).

schema.org lets most properties be a text, an object or a list: ``hiringOrganization`` a name
or an Organization, ``jobLocation`` one Place or a list (each with a PostalAddress, a text
address or a name), ``addressCountry`` a code, a name or a Country, ``employmentType`` and
``jobLocationType`` a text or a list, ``baseSalary`` a MonetaryAmount whose ``value`` is a
QuantitativeValue (min/max or one value) or a number, ``industry`` a text, a list or a
DefinedTerm. Country, region and city are those of the first place. A relative ``url`` is
resolved against the page the object was found on, which is also the URL without one. Some
sites escape the description's tags (``&lt;p&gt;``).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

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

_ESCAPED_TAG = re.compile(r"&lt;/?[a-zA-Z]")


def name_of(value: Any) -> str | None:
    """The name of a JSON-LD thing given as a string, an object with ``name`` or a list."""
    if isinstance(value, list):
        return next((name for name in map(name_of, value) if name), None)
    if isinstance(value, dict):
        return text(value.get("name"))
    return text(value)


def address_of(place: Any) -> Any:
    """A place's ``address`` (the first, when it lists several)."""
    address = place.get("address") if isinstance(place, dict) else None
    if isinstance(address, list):
        address = address[0] if address else None
    return address


def place_text(place: Any) -> str | None:
    """One ``jobLocation`` as "locality, region, country" (or the place's name)."""
    if isinstance(place, str):
        return text(place)
    if not isinstance(place, dict):
        return None
    address = address_of(place)
    if isinstance(address, str):
        return text(address)
    if isinstance(address, dict):
        parts = [
            name_of(address.get(key))
            for key in ("addressLocality", "addressRegion", "addressCountry")
        ]
        found = ", ".join(part for part in parts if part)
        if found:
            return found
    return text(place.get("name"))


def location_text(job_location: Any) -> str | None:
    """All of a posting's ``jobLocation`` places, joined with "; "."""
    places = job_location if isinstance(job_location, list) else [job_location]
    return "; ".join(found for found in map(place_text, places) if found) or None


def description_format(value: str) -> str:
    """``html_escaped`` for a description whose tags are entity-escaped, ``html`` otherwise."""
    if "<" not in value and _ESCAPED_TAG.search(value):
        return "html_escaped"
    return "html"


def salary_bound(salary: Any, bound: str) -> str | None:
    """``minValue``/``maxValue`` of the salary's QuantitativeValue, else its one value."""
    value = dig(salary, "value")
    if isinstance(value, dict):
        return first_text(value.get(bound), value.get("value"))
    return text(value)


def parse(payload: str, context: ParseContext) -> PostingFields:
    """The posting's fields as the page publishes them."""
    posting = load_json_object(payload)
    job_location = posting.get("jobLocation")
    first_place = (
        job_location[0] if isinstance(job_location, list) and job_location else job_location
    )
    address = address_of(first_place)
    address = address if isinstance(address, dict) else {}
    salary = posting.get("baseSalary")
    published = posting.get("description")
    if isinstance(published, str):
        description_format_, description_text = description(
            published, description_format(published)
        )
    else:
        description_format_, description_text = None, None
    url = text(posting.get("url"))
    organisation = posting.get("hiringOrganization")
    return PostingFields(
        title=first_text(posting.get("title"), posting.get("name")),
        company_name=first_text(name_of(organisation), context.company),
        location=location_text(job_location),
        country=name_of(address.get("addressCountry")),
        region=name_of(address.get("addressRegion")),
        city=name_of(address.get("addressLocality")),
        remote=joined(posting.get("jobLocationType")),
        employment_type=joined(posting.get("employmentType")),
        posted_at=text(posting.get("datePosted")),
        updated_at=text(posting.get("dateModified")),
        expires_at=text(posting.get("validThrough")),
        url=(urljoin(context.url, url) if context.url else url) if url else context.url,
        salary_currency=text(dig(salary, "currency")),
        salary_min=salary_bound(salary, "minValue"),
        salary_max=salary_bound(salary, "maxValue"),
        salary_interval=text(dig(salary, "value", "unitText")),
        description_format=description_format_,
        description_text=description_text,
        industry_labels=labels(posting.get("industry") or dig(organisation, "industry") or []),
    )
