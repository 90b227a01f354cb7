"""Parse a stored Lever posting object (Postings API, ``/v0/postings/<site>?mode=json``).

The description is published in parts: ``description`` (HTML), then ``lists`` (each a heading
``text`` and its ``<li>`` items in ``content``), then ``additional``; they are one description
in that order. ``createdAt`` is epoch milliseconds; ``workplaceType`` is ``remote``,
``hybrid``, ``on-site``/``onsite`` or ``unspecified``; ``salaryRange`` appears when the
employer publishes one.
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


def full_description(posting: dict[str, Any]) -> str:
    """The description as the posting page shows it: body, each list as heading and items, end."""
    body = posting.get("description")
    parts: list[str] = [body if isinstance(body, str) else ""]
    for block in posting.get("lists") or []:
        if isinstance(block, dict):
            parts.append(f"<h3>{block.get('text') or ''}</h3><ul>{block.get('content') or ''}</ul>")
    additional = posting.get("additional")
    parts.append(additional if isinstance(additional, str) else "")
    return "".join(parts)


def parse(payload: str, context: ParseContext) -> PostingFields:
    """The posting's fields as the site publishes them."""
    posting = load_json_object(payload)
    categories = posting.get("categories")
    description_format, description_text = description(full_description(posting), "html")
    return PostingFields(
        title=text(posting.get("text")),
        company_name=first_text(context.company, context.identity),
        location=text(dig(categories, "location")),
        country=text(posting.get("country")),
        remote=text(posting.get("workplaceType")),
        department=first_text(dig(categories, "department"), dig(categories, "team")),
        employment_type=text(dig(categories, "commitment")),
        posted_at=text(posting.get("createdAt")),
        url=text(posting.get("hostedUrl")),
        apply_url=text(posting.get("applyUrl")),
        salary_currency=text(dig(posting, "salaryRange", "currency")),
        salary_min=text(dig(posting, "salaryRange", "min")),
        salary_max=text(dig(posting, "salaryRange", "max")),
        salary_interval=text(dig(posting, "salaryRange", "interval")),
        description_format=description_format,
        description_text=description_text,
    )
