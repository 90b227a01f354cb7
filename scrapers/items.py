"""The one item every spider yields: a job posting as the source published it.

Values stay as the source wrote them (strings, HTML and all); typing and cleaning happen in dbt
staging, so a parser fix can be replayed over history without crawling again. ``payload`` is the
posting's own record exactly as the source sent it (a JSON object, an XML element, a JSON-LD
block), and is what the warehouse keeps.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(kw_only=True)
class JobPostingItem:
    """One job posting exactly as the source shows it (no normalisation)."""

    source_kind: str
    source_key: str
    source_posting_id: str
    url: str | None
    title: str | None
    company_name: str | None = None
    location: str | None = None
    remote: str | None = None
    department: str | None = None
    employment_type: str | None = None
    posted_at: str | None = None
    description: str | None = None
    description_format: str = "html"
    #: Plain text of ``description`` (tags dropped, entities decoded), set by the normalise
    #: pipeline.
    description_text: str | None = None
    payload: str
    payload_format: str = "json"
    #: Set by the landing pipeline.
    crawl_run_id: str | None = None
    fetched_at: str | None = None
    content_hash: str | None = None


#: Fields without which a record is not a posting; the validate pipeline drops and counts the rest.
REQUIRED_FIELDS: tuple[str, ...] = ("source_key", "source_posting_id", "title", "payload")
