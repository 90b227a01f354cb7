"""Lever careers URLs: ``jobs.lever.co/<site>``, ``api.lever.co/v0/postings/<site>``.

Their EU twins ``jobs.eu.lever.co`` / ``api.eu.lever.co`` add
``api_base: https://api.eu.lever.co``.
"""

from __future__ import annotations

from typing import Any

from scrapers.discovery import after, first_segment


def recognise(
    host: str, segments: list[str], query: dict[str, list[str]], url: str
) -> dict[str, Any] | None:
    """The entry of the Lever site ``url`` belongs to; None when it is not Lever's."""
    if host in ("api.lever.co", "api.eu.lever.co"):
        site = after(segments, ["v0", "postings"])
        if site is None:
            raise ValueError(f"{url!r}: expected api.lever.co/v0/postings/<site>")
    elif host in ("jobs.lever.co", "jobs.eu.lever.co"):
        site = first_segment(segments, url, "Lever site")
    else:
        return None
    entry: dict[str, Any] = {"kind": "lever", "site": site}
    if ".eu." in host:
        entry["api_base"] = "https://api.eu.lever.co"
    return entry
