"""Recognise a careers URL of a known hiring platform and turn it into a sources-file entry.

People find boards by their public pages, not by API tokens: ``postings sources add URL`` takes
the address of a careers site (or of one posting on it) and needs the entry that crawls the
whole board, e.g. ``https://job-boards.greenhouse.io/anthropic/jobs/5311686008`` ->
``{"kind": "greenhouse", "board": "anthropic"}``. :func:`entry_from_url` asks every kind's
recogniser (``scrapers/kinds/<kind>/recognise.py``, whose docstring lists the URL shapes of its
platform), e.g.:

==================  ===================================================================
kind                URLs
==================  ===================================================================
greenhouse          ``boards.greenhouse.io/<board>``, ``job-boards.greenhouse.io/<board>``
                    (and their ``.eu.`` twins: the global API is reported to serve those
                    boards, while boards-api.eu.greenhouse.io is not confirmed to exist),
                    ``boards.greenhouse.io/embed/job_board?for=<board>``,
                    ``boards-api.greenhouse.io/v1/boards/<board>/...``
==================  ===================================================================

Some real posting links do not name their board, and no URL trick can recover it: a
Greenhouse posting on the company's own site (``https://stripe.com/jobs/search?gh_jid=8023928``)
and a Workable short link (``https://apply.workable.com/j/F4C096B22E``). For those, and for any
URL of an unknown platform, a ValueError names the URL and says what to give instead.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

#: Subdomains of a platform's own domain that are the platform's, never a company's.
PLATFORM_SUBDOMAINS = frozenset(
    {
        "www",
        "app",
        "api",
        "apply",
        "jobs",
        "careers",
        "help",
        "support",
        "blog",
        "status",
        "docs",
        "cdn",
        "assets",
    }
)
COMPANY_SUBDOMAIN = r"(?P<company>[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)"

Recogniser = Callable[[str, list[str], dict[str, list[str]], str], "dict[str, Any] | None"]


def first_segment(segments: list[str], url: str, what: str) -> str:
    """The first path segment, which names the board on most platforms."""
    if not segments:
        raise ValueError(f"{url!r} names no {what}: give the board's own page")
    return segments[0]


def after(segments: list[str], prefix: list[str]) -> str | None:
    """The segment after ``prefix`` when the path starts with it (case-insensitive)."""
    lowered = [segment.lower() for segment in segments[: len(prefix)]]
    if lowered == prefix and len(segments) > len(prefix):
        return segments[len(prefix)]
    return None


def subdomain_platform(kind: str, pattern: str) -> Recogniser:
    """A platform whose boards are ``<company>.<domain>``."""
    compiled = re.compile(COMPANY_SUBDOMAIN + pattern)

    def recognise(
        host: str, segments: list[str], query: dict[str, list[str]], url: str
    ) -> dict[str, Any] | None:
        match = compiled.fullmatch(host)
        if match is None:
            return None
        if match["company"] in PLATFORM_SUBDOMAINS:
            raise ValueError(f"{url!r} is {kind}'s own site, not a company's careers site")
        return {"kind": kind, "subdomain": match["company"]}

    return recognise


@functools.cache
def recognisers() -> tuple[Recogniser, ...]:
    """Every kind's careers-URL recogniser (``scrapers/kinds/<kind>/recognise.py``).

    Cached: listing the kinds scans their folder, which cost 93% of recognising a link when it
    ran once per link (``marts.candidate_sources`` recognises every distinct link of history).
    """
    from scrapers.kinds import kind_names, recogniser_for

    found = [recogniser_for(kind) for kind in kind_names()]
    return tuple(recognise for recognise in found if recognise is not None)


def entry_from_url(url: str) -> dict[str, Any]:
    """The sources-file entry of the board a careers URL belongs to.

    Raises ValueError, naming the URL, when the URL is not a board of a known platform or does
    not say which board it belongs to.
    """
    text = str(url).strip()
    if not text:
        raise ValueError("no URL given")
    parts = urlsplit(text if "://" in text else f"https://{text}")
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"{url!r} is not a web address")
    host = (parts.hostname or "").rstrip(".")
    segments = [unquote(segment) for segment in parts.path.split("/") if segment]
    query = parse_qs(parts.query)
    for recognise in recognisers():
        entry = recognise(host, segments, query, text)
        if entry is not None:
            return _checked(entry, url)
    if "gh_jid" in query:
        raise ValueError(
            f"{url!r} is a Greenhouse posting on the company's own site; it names the job "
            f"(gh_jid={query['gh_jid'][0]}) but not the board: give the board's URL, "
            "boards.greenhouse.io/<board>"
        )
    raise ValueError(
        f"{url!r} is not a careers URL of a known platform (greenhouse, lever, ashby, workable, "
        "smartrecruiters, recruitee, personio, teamtailor, workday)"
    )


def _checked(entry: dict[str, Any], url: str) -> dict[str, Any]:
    """The entry, once its spider accepts its options."""
    from scrapers.kinds import spider_for

    try:
        spider_for(entry["kind"]).validate_options(dict(entry))
    except (KeyError, ValueError) as error:
        message = error.args[0] if error.args else error
        raise ValueError(f"{url!r}: {message}") from error
    return entry
