"""SmartRecruiters careers URLs: ``jobs.smartrecruiters.com/<company>``,
``careers.smartrecruiters.com/<company>``, ``api.smartrecruiters.com/v1/companies/<company>/...``.
"""

from __future__ import annotations

from typing import Any

from scrapers.discovery import after, first_segment


def recognise(
    host: str, segments: list[str], query: dict[str, list[str]], url: str
) -> dict[str, Any] | None:
    """The entry of the SmartRecruiters company ``url`` belongs to; None when not theirs."""
    if host == "api.smartrecruiters.com":
        company = after(segments, ["v1", "companies"])
        if company is None:
            raise ValueError(f"{url!r}: expected api.smartrecruiters.com/v1/companies/<company>")
        return {"kind": "smartrecruiters", "company_id": company}
    if host in ("jobs.smartrecruiters.com", "careers.smartrecruiters.com"):
        company = first_segment(segments, url, "SmartRecruiters company")
        return {"kind": "smartrecruiters", "company_id": company}
    return None
