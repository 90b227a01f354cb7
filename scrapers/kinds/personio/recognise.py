"""Personio careers URLs: ``<company>.jobs.personio.de``; ``<company>.jobs.personio.com`` adds
its ``api_base``.
"""

from __future__ import annotations

import re
from typing import Any

from scrapers.discovery import COMPANY_SUBDOMAIN

_COMPANY_HOST = re.compile(COMPANY_SUBDOMAIN + r"\.jobs\.personio\.(?P<tld>de|com)")


def recognise(
    host: str, segments: list[str], query: dict[str, list[str]], url: str
) -> dict[str, Any] | None:
    """The entry of the Personio site ``url`` belongs to; None when it is not Personio's."""
    match = _COMPANY_HOST.fullmatch(host)
    if match is None:
        return None
    entry: dict[str, Any] = {"kind": "personio", "subdomain": match["company"]}
    if match["tld"] == "com":
        entry["api_base"] = f"https://{match['company']}.jobs.personio.com"
    return entry
