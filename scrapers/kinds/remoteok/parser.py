"""Parse a stored Remote OK job (``/api``, one element of the array).

The board lists remote jobs only and publishes no remote flag, so every job is ``remote``.
``date`` is ISO 8601 and ``epoch`` the same moment in epoch seconds. ``salary_min`` and
``salary_max`` are whole US dollars a year as the board shows them ("$80k - $120k/year"); 0
means "not published". ``location`` is the text shown, often with a dangling comma ("Orlando, ").
"""

from __future__ import annotations

from typing import Any

from scrapers.parsing import (
    ParseContext,
    PostingFields,
    description,
    first_text,
    load_json_object,
    text,
)


def salary_bound(value: Any) -> str | None:
    """A published salary bound as text; 0 (the board's "not published") is None."""
    found = text(value)
    if found is None:
        return None
    try:
        return None if float(found) == 0 else found
    except ValueError:
        return found


def parse(payload: str, context: ParseContext) -> PostingFields:
    """The job's fields as the board publishes them."""
    job = load_json_object(payload)
    description_format, description_text = description(job.get("description"), "html")
    salary_min, salary_max = (
        salary_bound(job.get("salary_min")),
        salary_bound(job.get("salary_max")),
    )
    has_salary = salary_min is not None or salary_max is not None
    return PostingFields(
        title=text(job.get("position")),
        company_name=text(job.get("company")),
        location=text(job.get("location")),
        remote="remote",
        posted_at=first_text(job.get("date"), job.get("epoch")),
        url=first_text(job.get("url"), job.get("apply_url")),
        apply_url=text(job.get("apply_url")),
        salary_currency="USD" if has_salary else None,
        salary_min=salary_min,
        salary_max=salary_max,
        salary_interval="year" if has_salary else None,
        description_format=description_format,
        description_text=description_text,
    )
