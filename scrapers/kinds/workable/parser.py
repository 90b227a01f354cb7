"""Parse a stored Workable job (job widget API, ``/api/v1/widget/accounts/<account>``).

The payload is one widget row, or the JSON array of the rows of a job the widget lists once per
advertised country (same ``shortcode``); the first row states the job, every row adds its place.
A row's place is its ``locations`` entries (city, region, country), else its top-level ``city``,
``state`` and ``country``. Country, region and city are read only for a job with one place.
``telecommuting: true`` is a remote job; ``false`` says nothing about the workplace. With
``details=true`` the description is ``description``, ``requirements`` and ``benefits`` HTML.
"""

from __future__ import annotations

import json
from typing import Any

from scrapers.parsing import (
    ParseContext,
    PostingFields,
    description,
    dig,
    first_text,
    labels,
    text,
)

#: HTML parts of a job with ``details=true``, in the order the job page shows them.
DESCRIPTION_PARTS = ("description", "requirements", "benefits")


def rows_of(payload: str) -> list[dict[str, Any]]:
    """The widget rows of the payload (one object, or an array of objects)."""
    document = json.loads(payload)
    rows = document if isinstance(document, list) else [document]
    if not rows or not all(isinstance(row, dict) for row in rows):
        raise ValueError("payload is neither a job object nor an array of job objects")
    return rows


def places(row: dict[str, Any]) -> list[str]:
    """The places of one widget row as text ("Paris, Île-de-France, France")."""
    found = []
    for location in row.get("locations") or []:
        if isinstance(location, dict):
            place = ", ".join(
                part
                for part in (text(location.get(name)) for name in ("city", "region", "country"))
                if part
            )
            if place:
                found.append(place)
    if not found:
        place = ", ".join(
            part for part in (text(row.get(name)) for name in ("city", "state", "country")) if part
        )
        if place:
            found.append(place)
    return found


def parse(payload: str, context: ParseContext) -> PostingFields:
    """The job's fields as the account publishes them."""
    rows = rows_of(payload)
    job = rows[0]
    every_place = list(dict.fromkeys(place for row in rows for place in places(row)))
    single = len(every_place) <= 1
    first_place = dig(job, "locations", 0)
    place = first_place if isinstance(first_place, dict) else {}
    html = "".join(
        part for part in (job.get(name) for name in DESCRIPTION_PARTS) if isinstance(part, str)
    )
    description_format, description_text = description(html, "html")
    return PostingFields(
        title=text(job.get("title")),
        company_name=first_text(context.company, context.identity),
        location="; ".join(every_place) or None,
        country=first_text(place.get("countryCode"), job.get("country")) if single else None,
        region=text(place.get("region")) if single else None,
        city=text(place.get("city")) if single else None,
        remote="remote" if job.get("telecommuting") is True else None,
        department=text(job.get("department")),
        employment_type=text(job.get("employment_type")),
        posted_at=first_text(job.get("published_on"), job.get("created_at")),
        url=first_text(job.get("url"), job.get("shortlink")),
        apply_url=text(job.get("application_url")),
        description_format=description_format,
        description_text=description_text,
        industry_labels=labels(job.get("industry") or []),
    )
