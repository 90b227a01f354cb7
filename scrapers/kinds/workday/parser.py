"""Parse a stored Workday posting detail (``GET /wday/cxs/<tenant>/<site>/job/...``).

The detail answer is ``jobPostingInfo`` (``id``, ``title``, ``jobDescription`` HTML,
``location`` and ``additionalLocations``, ``timeType``, ``startDate``, ``endDate``,
``externalUrl``, ``country``, ``jobRequisitionLocation``, ``remoteType`` on tenants that publish
it) and ``hiringOrganization``. ``posted_at`` is ``startDate`` (a date), else the relative
``postedOn`` text ("Posted 8 Days Ago"), which only the fetch time can turn into a date.
Country, region and city are read only for a posting in one place; US places are written
"USA <state code> <city>".
"""

from __future__ import annotations

import re

from scrapers.parsing import (
    ParseContext,
    PostingFields,
    description,
    dig,
    first_text,
    load_json_object,
    text,
)

#: A US place as Workday tenants write it: ``USA DC Washington``.
_US_PLACE = re.compile(r"^USA ([A-Z]{2}) (.+)$")


def parse(payload: str, context: ParseContext) -> PostingFields:
    """The posting's fields as the career site publishes them."""
    document = load_json_object(payload)
    info = document.get("jobPostingInfo")
    if not isinstance(info, dict):
        raise ValueError("payload has no jobPostingInfo object")
    additional = info.get("additionalLocations")
    published = [
        text(info.get("location")),
        *(text(place) for place in (additional if isinstance(additional, list) else [])),
    ]
    places = [place for place in published if place]
    location = "; ".join(places) or None
    single = location is not None and len(places) == 1
    us_place = _US_PLACE.match(location) if single and location else None
    description_format, description_text = description(info.get("jobDescription"), "html")
    return PostingFields(
        title=text(info.get("title")),
        company_name=first_text(
            context.company,
            dig(document, "hiringOrganization", "name"),
            context.identity.split("/", 1)[0],
        ),
        location=location,
        country=first_text(
            dig(info, "jobRequisitionLocation", "country", "alpha2Code"),
            dig(info, "country", "descriptor"),
        )
        if single
        else None,
        region=us_place.group(1) if us_place else None,
        city=us_place.group(2).strip() if us_place else None,
        remote=text(info.get("remoteType")),
        employment_type=text(info.get("timeType")),
        posted_at=first_text(info.get("startDate"), info.get("postedOn")),
        expires_at=text(info.get("endDate")),
        url=text(info.get("externalUrl")),
        description_format=description_format,
        description_text=description_text,
    )
