"""Workday careers URLs: ``<tenant>.wd<N>.myworkdayjobs.com/[<locale>/]<site>``.

A posting under a site (``.../job/...``) and the API paths (``.../wday/cxs/<tenant>/<site>/...``)
name the site too. :func:`parse_careers_url` is also what reads an entry's ``url`` option.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

#: The careers site host: ``{tenant}.{host}.myworkdayjobs.com``.
_CAREERS_HOST = re.compile(r"^(?P<tenant>[a-z0-9][a-z0-9-]*)\.(?P<host>wd\d+)\.myworkdayjobs\.com$")
_SITE = re.compile(r"^[A-Za-z0-9_.-]+$")
#: A language prefix before the site in a careers URL (``en-US``, ``fr-CA``, ``de``).
_LOCALE = re.compile(r"^[a-z]{2}(?:-[A-Za-z]{2})?$")
#: Path segments that follow a site in Workday URLs, never a site themselves.
_NOT_SITES = frozenset({"job", "details", "wday", "robots.txt"})


def parse_careers_url(url: str) -> dict[str, str]:
    """``tenant``, ``host`` and ``site`` of a Workday careers URL.

    Understood: the site (``https://gdit.wd5.myworkdayjobs.com/External_Career_Site``), with a
    locale (``.../en-US/External_Career_Site``), a posting under it (``.../job/...``), and the
    API paths (``.../wday/cxs/gdit/External_Career_Site/jobs``). Raises ValueError otherwise.
    """
    parts = urlsplit(url.strip())
    match = _CAREERS_HOST.match(parts.hostname or "")
    if parts.scheme not in ("http", "https") or match is None:
        raise ValueError(
            f"not a Workday careers URL (https://<tenant>.wd<N>.myworkdayjobs.com/<site>): {url!r}"
        )
    segments = [segment for segment in parts.path.split("/") if segment]
    if segments[:2] == ["wday", "cxs"]:
        segments = segments[3:]
    elif len(segments) >= 2 and _LOCALE.match(segments[0]):
        segments = segments[1:]
    if not segments or segments[0] in _NOT_SITES or not _SITE.match(segments[0]):
        raise ValueError(f"no career site named in the Workday URL {url!r}")
    return {"tenant": match["tenant"], "host": match["host"], "site": segments[0]}


def recognise(
    host: str, segments: list[str], query: dict[str, list[str]], url: str
) -> dict[str, Any] | None:
    """The entry of the Workday site ``url`` belongs to; None when it is not Workday's."""
    if not host.endswith(".myworkdayjobs.com"):
        return None
    target = parse_careers_url(url if "://" in url else f"https://{url.strip()}")
    return {
        "kind": "workday",
        "tenant": target["tenant"],
        "site": target["site"],
        "host": target["host"],
    }
