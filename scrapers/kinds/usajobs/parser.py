"""Parse a stored USAJOBS search result (one element of ``SearchResult.SearchResultItems``).

The result's ``MatchedObjectDescriptor`` holds the posting: ``PositionTitle``, the hiring agency
as ``OrganizationName`` (``DepartmentName`` is the department it belongs to), the location as
shown in ``PositionLocationDisplay`` (``PositionLocation`` lists each place), the schedules in
``PositionSchedule`` ("Full-time", "Part-time"...), the dates ``PublicationStartDate`` and
``ApplicationCloseDate`` (no time zone), the page in ``PositionURI`` and the apply links in
``ApplyURI``, the pay in ``PositionRemuneration`` (``MinimumRange``, ``MaximumRange``,
``RateIntervalCode``: "Per Year", "Per Hour"...). ``UserArea.Details`` carries the summary
(``JobSummary``, plain text) and ``RemoteIndicator`` (a JSON boolean, kept as ``true`` /
``false``). All pay is in US dollars.
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
    load_json_object,
    text,
)


def _names(values: Any) -> list[Any]:
    """The ``Name`` of each object of a list (schedules, offering types)."""
    return [value.get("Name") for value in values or [] if isinstance(value, dict)]


def parse(payload: str, context: ParseContext) -> PostingFields:
    """The search result's fields as the API publishes them."""
    result = load_json_object(payload)
    descriptor = result.get("MatchedObjectDescriptor")
    if not isinstance(descriptor, dict):
        raise ValueError("search result has no MatchedObjectDescriptor object")
    details = dig(descriptor, "UserArea", "Details") or {}
    remote = details.get("RemoteIndicator") if isinstance(details, dict) else None
    pay = dig(descriptor, "PositionRemuneration", 0) or {}
    apply_urls = descriptor.get("ApplyURI")
    summary = details.get("JobSummary") if isinstance(details, dict) else None
    description_format, description_text = description(summary, "text")
    return PostingFields(
        title=text(descriptor.get("PositionTitle")),
        company_name=text(descriptor.get("OrganizationName")),
        location=text(descriptor.get("PositionLocationDisplay")),
        country=text(dig(descriptor, "PositionLocation", 0, "CountryCode")),
        region=text(dig(descriptor, "PositionLocation", 0, "CountrySubDivisionCode")),
        city=text(dig(descriptor, "PositionLocation", 0, "CityName")),
        remote=text(remote),
        department=text(descriptor.get("DepartmentName")),
        employment_type=joined(_names(descriptor.get("PositionSchedule"))),
        posted_at=text(descriptor.get("PublicationStartDate")),
        expires_at=text(descriptor.get("ApplicationCloseDate")),
        url=first_text(descriptor.get("PositionURI"), context.url),
        apply_url=first_text(*(apply_urls if isinstance(apply_urls, list) else [apply_urls])),
        salary_currency="USD" if isinstance(pay, dict) and pay.get("MinimumRange") else None,
        salary_min=text(pay.get("MinimumRange")) if isinstance(pay, dict) else None,
        salary_max=text(pay.get("MaximumRange")) if isinstance(pay, dict) else None,
        salary_interval=(
            first_text(pay.get("Description"), pay.get("RateIntervalCode"))
            if isinstance(pay, dict)
            else None
        ),
        description_format=description_format,
        description_text=description_text,
    )
