"""Parse a stored Arbeitnow job (``/api/job-board-api``, one element of ``data``).

``remote`` is a JSON boolean, kept as its JSON text ``true``/``false`` (the staging macro reads
``true`` as remote); ``created_at`` is epoch seconds; ``job_types`` is a list ("professional /
experienced", "geschäftsleitung"), joined as the employment type. Descriptions come as HTML, or
as HTML escaped once more (``&lt;p&gt;``) with Arbeitnow's own footer appended unescaped, for
jobs imported from other systems: the format is read per job.
"""

from __future__ import annotations

import re

from scrapers.parsing import (
    ParseContext,
    PostingFields,
    description,
    joined,
    load_json_object,
    text,
)

_TAG = re.compile(r"</?[A-Za-z]")
_ESCAPED_TAG = re.compile(r"&lt;/?[A-Za-z]")


def description_format(value: str | None) -> str:
    """``html_escaped`` for a description whose markup is mostly escaped, else ``html``.

    Arbeitnow appends its own footer, as plain HTML, to escaped descriptions
    (``&lt;p&gt;...&lt;/p&gt;<p>Find more <a href=...>``): unescaping such a description once
    leaves the footer intact, so the markup that is in the majority decides.
    """
    if not value:
        return "html"
    escaped_tags = len(_ESCAPED_TAG.findall(value))
    return "html_escaped" if escaped_tags > len(_TAG.findall(value)) else "html"


def parse(payload: str, context: ParseContext) -> PostingFields:
    """The job's fields as the board publishes them."""
    job = load_json_object(payload)
    published = job.get("description")
    found_format, description_text = description(
        published, description_format(published if isinstance(published, str) else None)
    )
    return PostingFields(
        title=text(job.get("title")),
        company_name=text(job.get("company_name")),
        location=text(job.get("location")),
        remote=text(job.get("remote")),
        employment_type=joined(job.get("job_types")),
        posted_at=text(job.get("created_at")),
        url=text(job.get("url")),
        description_format=found_format,
        description_text=description_text,
    )
