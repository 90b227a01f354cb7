"""Parse a stored Greenhouse job object (Job Board API, ``/v1/boards/<board>/jobs``).

``content`` is HTML that the API escapes twice (``&lt;p&gt;``). Boards define their own custom
fields in ``metadata`` (``{"name": "Location Type", "value": "Remote"}``); the ones read here
are the workplace type, the employment type and the industry, when a board defines them.
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

#: Custom fields that carry the workplace type, when a board defines one.
WORKPLACE_FIELDS = ("location type", "workplace type", "remote", "workplace")
#: Custom fields that carry the employment type.
EMPLOYMENT_TYPE_FIELDS = ("employment type",)
#: Custom fields that carry the employer's industry.
INDUSTRY_FIELDS = ("industry",)


def metadata_value(job: dict[str, Any], names: tuple[str, ...]) -> Any:
    """The value of the first custom field named one of ``names`` (case-insensitive)."""
    for entry in job.get("metadata") or []:
        if not isinstance(entry, dict):
            continue
        name = str(entry.get("name") or "").strip().lower()
        if name in names and entry.get("value"):
            return entry["value"]
    return None


def parse(payload: str, context: ParseContext) -> PostingFields:
    """The job's fields as the board publishes them."""
    job = load_json_object(payload)
    location = job.get("location")
    description_format, description_text = description(job.get("content"), "html_escaped")
    return PostingFields(
        title=text(job.get("title")),
        company_name=first_text(job.get("company_name"), context.company, context.identity),
        location=text(dig(location, "name") if isinstance(location, dict) else location),
        remote=joined(metadata_value(job, WORKPLACE_FIELDS)),
        department=text(dig(job, "departments", 0, "name")),
        employment_type=joined(metadata_value(job, EMPLOYMENT_TYPE_FIELDS)),
        posted_at=first_text(job.get("first_published"), job.get("updated_at")),
        updated_at=text(job.get("updated_at")),
        expires_at=text(job.get("application_deadline")),
        url=text(job.get("absolute_url")),
        description_format=description_format,
        description_text=description_text,
        industry_labels=labels(metadata_value(job, INDUSTRY_FIELDS) or []),
    )
