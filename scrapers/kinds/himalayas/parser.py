"""Parse a stored Himalayas job (``/jobs/api``, one element of ``jobs``).

The board lists remote jobs only and publishes no remote flag, so every job is ``remote``.
``applicationLink`` is the URL (``guid``, the job's page, when there is none);
``locationRestrictions`` (countries; empty means anywhere) is joined as the location, and a
single one is the country. ``employmentType`` is the text shown ("Full Time", "Contractor");
``pubDate`` and ``expiryDate`` are epoch seconds. Salary (``minSalary``, ``maxSalary``,
``currency``, ``salaryPeriod``) as published; the period only when a bound is.
"""

from __future__ import annotations

from scrapers.parsing import (
    ParseContext,
    PostingFields,
    description,
    first_text,
    joined,
    load_json_object,
    text,
)


def parse(payload: str, context: ParseContext) -> PostingFields:
    """The job's fields as the board publishes them."""
    job = load_json_object(payload)
    restrictions = job.get("locationRestrictions")
    if not isinstance(restrictions, list):
        restrictions = [restrictions] if restrictions is not None else []
    description_format, description_text = description(job.get("description"), "html")
    salary_min, salary_max = text(job.get("minSalary")), text(job.get("maxSalary"))
    return PostingFields(
        title=text(job.get("title")),
        company_name=text(job.get("companyName")),
        location=joined(restrictions),
        country=text(restrictions[0]) if len(restrictions) == 1 else None,
        remote="remote",
        employment_type=text(job.get("employmentType")),
        posted_at=text(job.get("pubDate")),
        expires_at=text(job.get("expiryDate")),
        url=first_text(job.get("applicationLink"), job.get("guid")),
        salary_currency=text(job.get("currency")),
        salary_min=salary_min,
        salary_max=salary_max,
        salary_interval=text(job.get("salaryPeriod"))
        if salary_min is not None or salary_max is not None
        else None,
        description_format=description_format,
        description_text=description_text,
    )
