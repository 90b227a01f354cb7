"""Parse a stored Remotive job (``/api/remote-jobs``, one element of ``jobs``).

The board lists remote jobs only and publishes no remote flag, so every job is ``remote``;
``candidate_required_location`` is the location. ``job_type`` is ``full_time``, ``part_time``,
``contract``, ``freelance``, ``internship``... or empty. ``salary`` is free text ("$150k -
$230k", "OTE $25k - $35k", "$14/hr" or empty), kept as the salary text. ``publication_date``
has no time zone.
"""

from __future__ import annotations

from scrapers.parsing import ParseContext, PostingFields, description, load_json_object, text


def parse(payload: str, context: ParseContext) -> PostingFields:
    """The job's fields as the board publishes them."""
    job = load_json_object(payload)
    description_format, description_text = description(job.get("description"), "html")
    return PostingFields(
        title=text(job.get("title")),
        company_name=text(job.get("company_name")),
        location=text(job.get("candidate_required_location")),
        remote="remote",
        employment_type=text(job.get("job_type")),
        posted_at=text(job.get("publication_date")),
        url=text(job.get("url")),
        salary_text=text(job.get("salary")),
        description_format=description_format,
        description_text=description_text,
    )
