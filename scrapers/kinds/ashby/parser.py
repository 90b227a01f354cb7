"""Parse a stored Ashby job object (Posting API, ``/posting-api/job-board/<board>``).

``workplaceType`` (``Remote``, ``Hybrid``, ``OnSite``) is preferred over the older boolean
``isRemote``. The salary range is the ``Salary`` component of ``compensation.summaryComponents``
(the equity component has no amounts); the board's own summary of it is the salary text.
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


def workplace(job: dict[str, Any]) -> str | None:
    """``workplaceType``, else ``Remote`` when the job only says ``isRemote: true``."""
    stated = text(job.get("workplaceType"))
    if stated is None and job.get("isRemote") is True:
        return "Remote"
    return stated


def salary_component(job: dict[str, Any]) -> dict[str, Any]:
    """The first ``Salary`` component of the compensation summary, or an empty one."""
    for component in dig(job, "compensation", "summaryComponents") or []:
        if isinstance(component, dict) and component.get("compensationType") == "Salary":
            return component
    return {}


def parse(payload: str, context: ParseContext) -> PostingFields:
    """The job's fields as the board publishes them."""
    job = load_json_object(payload)
    address = dig(job, "address", "postalAddress")
    salary = salary_component(job)
    html = job.get("descriptionHtml")
    if isinstance(html, str) and html.strip():
        description_format, description_text = description(html, "html")
    else:
        description_format, description_text = description(job.get("descriptionPlain"), "text")
    return PostingFields(
        title=text(job.get("title")),
        company_name=first_text(context.company, job.get("organizationName"), context.identity),
        location=text(job.get("location")),
        country=text(dig(address, "addressCountry")),
        region=text(dig(address, "addressRegion")),
        city=text(dig(address, "addressLocality")),
        remote=workplace(job),
        department=text(job.get("department")),
        employment_type=text(job.get("employmentType")),
        posted_at=text(job.get("publishedAt")),
        url=text(job.get("jobUrl")),
        apply_url=text(job.get("applyUrl")),
        salary_currency=text(salary.get("currencyCode")),
        salary_min=text(salary.get("minValue")),
        salary_max=text(salary.get("maxValue")),
        salary_interval=text(salary.get("interval")),
        salary_text=text(dig(job, "compensation", "scrapeableCompensationSalarySummary")),
        description_format=description_format,
        description_text=description_text,
    )
