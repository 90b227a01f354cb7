"""Workable careers URLs: ``apply.workable.com/<account>``, ``<account>.workable.com``.

Also the widget API ``apply.workable.com/api/v1/widget/accounts/<account>`` (and ``api/v3``).
A job link ``apply.workable.com/j/<shortcode>`` does not name its account and is refused.
"""

from __future__ import annotations

import re
from typing import Any

from scrapers.discovery import COMPANY_SUBDOMAIN, PLATFORM_SUBDOMAINS, after, first_segment

_ACCOUNT_HOST = re.compile(COMPANY_SUBDOMAIN + r"\.workable\.com")


def recognise(
    host: str, segments: list[str], query: dict[str, list[str]], url: str
) -> dict[str, Any] | None:
    """The entry of the Workable account ``url`` belongs to; None when it is not Workable's."""
    if host == "apply.workable.com":
        account = after(segments, ["api", "v1", "widget", "accounts"]) or after(
            segments, ["api", "v3", "accounts"]
        )
        if account is None:
            account = first_segment(segments, url, "Workable account")
            if account.lower() in ("j", "api"):
                raise ValueError(
                    f"{url!r} is a Workable job link, which does not name the account; "
                    "give the account's page, apply.workable.com/<account>"
                )
        return {"kind": "workable", "account": account}
    match = _ACCOUNT_HOST.fullmatch(host)
    if match and match["company"] not in PLATFORM_SUBDOMAINS:
        return {"kind": "workable", "account": match["company"]}
    return None
