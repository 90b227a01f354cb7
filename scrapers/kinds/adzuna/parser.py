"""Parse a stored Adzuna search result (one element of ``results``).

``company.display_name`` and ``location.display_name`` are the names shown (``location.area``
the hierarchy, country first: ``["US", "Virginia", "Arlington County", "State Farm"]``);
``contract_time`` (``full_time``, ``part_time``) and ``contract_type`` (``permanent``,
``contract``), each only when known, make the employment type; ``created`` is ISO 8601;
``redirect_url`` is Adzuna's link to the posting (its ``utm_source`` masked at crawl time);
``description`` is a plain-text snippet cut at about 500 characters. ``category`` is Adzuna's
own classification ("IT Jobs"), not the employer's department, and is not read. ``salary_min`` and
``salary_max`` are yearly amounts in the market's currency, and Adzuna's own estimate, not the
employer's, when ``salary_is_predicted`` is "1": those are not read as the posting's pay.
"""

from __future__ import annotations

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

#: The currency of each Adzuna market (``/v1/api/jobs/{country}/``), for stated salaries.
MARKET_CURRENCIES = {
    "at": "EUR", "au": "AUD", "be": "EUR", "br": "BRL", "ca": "CAD", "ch": "CHF", "de": "EUR",
    "es": "EUR", "fr": "EUR", "gb": "GBP", "in": "INR", "it": "EUR", "mx": "MXN", "nl": "EUR",
    "nz": "NZD", "pl": "PLN", "sg": "SGD", "us": "USD", "za": "ZAR",
}  # fmt: skip


def _market(url: str | None) -> str | None:
    """The market of the search page a result came from (``.../jobs/gb/search/1``)."""
    parts = (url or "").split("/jobs/", 1)
    return parts[1].split("/", 1)[0].lower() if len(parts) == 2 else None


def parse(payload: str, context: ParseContext) -> PostingFields:
    """The result's fields as the API publishes them (predicted salaries left out)."""
    job = load_json_object(payload)
    area = dig(job, "location", "area")
    contract = [job.get(name) for name in ("contract_time", "contract_type")]
    stated_pay = text(job.get("salary_is_predicted")) != "1"
    has_pay = stated_pay and (
        job.get("salary_min") is not None or job.get("salary_max") is not None
    )
    description_format, description_text = description(job.get("description"), "text")
    return PostingFields(
        title=text(job.get("title")),
        company_name=text(dig(job, "company", "display_name")),
        location=text(dig(job, "location", "display_name")),
        country=text(area[0]) if isinstance(area, list) and area else None,
        region=text(area[1]) if isinstance(area, list) and len(area) > 1 else None,
        employment_type=joined(contract),
        posted_at=text(job.get("created")),
        url=first_text(job.get("redirect_url")),
        salary_currency=MARKET_CURRENCIES.get(_market(context.url) or "") if has_pay else None,
        salary_min=text(job.get("salary_min")) if has_pay else None,
        salary_max=text(job.get("salary_max")) if has_pay else None,
        salary_interval="year" if has_pay else None,
        description_format=description_format,
        description_text=description_text,
    )
