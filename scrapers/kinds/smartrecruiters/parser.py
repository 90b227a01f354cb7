"""Parse a stored SmartRecruiters posting object (Posting API, ``/v1/companies/<id>/postings``).

The list gives no description and no public page URL: the URL is the public posting page
``https://jobs.smartrecruiters.com/<company identifier>/<id>``. The workplace is two flags of
``location`` (``remote``, ``hybrid``); ``industry.label`` is the employer's industry.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from scrapers.parsing import (
    ParseContext,
    PostingFields,
    dig,
    first_text,
    labels,
    load_json_object,
    text,
)

#: Where a posting is shown to the public.
PUBLIC_POSTING_URL = "https://jobs.smartrecruiters.com/{company}/{posting_id}"


def workplace_from_flags(location: Any) -> str | None:
    """SmartRecruiters' ``remote`` and ``hybrid`` flags as one workplace word.

    ``remote`` or ``hybrid`` when that flag is true, ``onsite`` when both are published false
    (or ``hybrid`` is absent), None when the posting does not say.
    """
    if not isinstance(location, dict):
        return None
    remote, hybrid = location.get("remote"), location.get("hybrid")
    if remote is True:
        return "remote"
    if hybrid is True:
        return "hybrid"
    if remote is False and hybrid in (False, None):
        return "onsite"
    return None


def place(location: Any) -> str | None:
    """``fullLocation``, else city, region and country joined."""
    if not isinstance(location, dict):
        return None
    return (
        first_text(location.get("fullLocation"))
        or ", ".join(
            part
            for part in (text(location.get(name)) for name in ("city", "region", "country"))
            if part
        )
        or None
    )


def parse(payload: str, context: ParseContext) -> PostingFields:
    """The posting's fields as the company publishes them."""
    posting = load_json_object(payload)
    location = posting.get("location")
    identifier = first_text(dig(posting, "company", "identifier"), context.identity)
    public_url = PUBLIC_POSTING_URL.format(
        company=quote(str(identifier), safe=""), posting_id=text(posting.get("id")) or ""
    )
    return PostingFields(
        title=text(posting.get("name")),
        company_name=first_text(context.company, dig(posting, "company", "name"), context.identity),
        location=place(location),
        country=text(dig(location, "country")),
        region=text(dig(location, "region")),
        city=text(dig(location, "city")),
        remote=workplace_from_flags(location),
        department=text(dig(posting, "department", "label")),
        employment_type=text(dig(posting, "typeOfEmployment", "label")),
        posted_at=text(posting.get("releasedDate")),
        url=first_text(posting.get("postingUrl"))
        or (public_url if text(posting.get("id")) else None),
        industry_labels=labels(dig(posting, "industry", "label") or []),
    )
