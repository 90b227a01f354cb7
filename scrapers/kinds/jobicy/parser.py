"""Parse a stored Jobicy job (``/api/v2/remote-jobs``, one element of ``jobs``).

The board lists remote jobs only and publishes no remote flag, so every job is ``remote``.
``jobGeo`` is the location as shown ("EMEA,  LATAM,  Canada,  USA", double spaces and all);
``jobType`` is a list ("Full-Time", "Contract"), joined as the employment type; ``pubDate`` is
ISO 8601 with an offset. The salary fields (``salaryMin``, ``salaryMax``, ``salaryCurrency``,
``salaryPeriod``) appear only when published, sometimes only one bound. ``jobIndustry`` is the
board's category of the job ("Data Science &amp; Analytics"), not the employer's industry, so it
is not an industry label.
"""

from __future__ import annotations

from scrapers.parsing import (
    ParseContext,
    PostingFields,
    description,
    joined,
    load_json_object,
    text,
)


def parse(payload: str, context: ParseContext) -> PostingFields:
    """The job's fields as the board publishes them."""
    job = load_json_object(payload)
    description_format, description_text = description(job.get("jobDescription"), "html")
    return PostingFields(
        title=text(job.get("jobTitle")),
        company_name=text(job.get("companyName")),
        location=text(job.get("jobGeo")),
        remote="remote",
        employment_type=joined(job.get("jobType")),
        posted_at=text(job.get("pubDate")),
        url=text(job.get("url")),
        salary_currency=text(job.get("salaryCurrency")),
        salary_min=text(job.get("salaryMin")),
        salary_max=text(job.get("salaryMax")),
        salary_interval=text(job.get("salaryPeriod")),
        description_format=description_format,
        description_text=description_text,
    )
