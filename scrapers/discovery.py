"""Recognise a careers URL of a known hiring platform and turn it into a sources-file entry.

People find boards by their public pages, not by API tokens: ``postings sources add URL`` takes
the address of a careers site (or of one posting on it) and needs the entry that crawls the
whole board, e.g. ``https://job-boards.greenhouse.io/anthropic/jobs/5311686008`` ->
``{"kind": "greenhouse", "board": "anthropic"}``. :func:`entry_from_url` knows the public URL
shapes of every platform with a spider here:

==================  ===================================================================
kind                URLs
==================  ===================================================================
greenhouse          ``boards.greenhouse.io/<board>``, ``job-boards.greenhouse.io/<board>``
                    (and their ``.eu.`` twins: the global API is reported to serve those
                    boards, while boards-api.eu.greenhouse.io is not confirmed to exist),
                    ``boards.greenhouse.io/embed/job_board?for=<board>``,
                    ``boards-api.greenhouse.io/v1/boards/<board>/...``
lever               ``jobs.lever.co/<site>``, ``api.lever.co/v0/postings/<site>``;
                    ``jobs.eu.lever.co`` / ``api.eu.lever.co`` add
                    ``api_base: https://api.eu.lever.co``
ashby               ``jobs.ashbyhq.com/<board>``, ``api.ashbyhq.com/posting-api/job-board/<board>``
workable            ``apply.workable.com/<account>``, ``<account>.workable.com``,
                    ``apply.workable.com/api/v1/widget/accounts/<account>``
smartrecruiters     ``jobs.smartrecruiters.com/<company>``,
                    ``careers.smartrecruiters.com/<company>``,
                    ``api.smartrecruiters.com/v1/companies/<company>/...``
recruitee           ``<company>.recruitee.com``
personio            ``<company>.jobs.personio.de``; ``<company>.jobs.personio.com`` adds its
                    ``api_base``
teamtailor          ``<company>.teamtailor.com``
workday             ``<tenant>.wd<N>.myworkdayjobs.com/[<locale>/]<site>``
==================  ===================================================================

Some real posting links do not name their board, and no URL trick can recover it: a
Greenhouse posting on the company's own site (``https://stripe.com/jobs/search?gh_jid=8023928``)
and a Workable short link (``https://apply.workable.com/j/F4C096B22E``). For those, and for any
URL of an unknown platform, a ValueError names the URL and says what to give instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from scrapers.spiders.workday import parse_careers_url

#: Subdomains of a platform's own domain that are the platform's, never a company's.
_PLATFORM_SUBDOMAINS = frozenset({"www", "app", "api", "apply", "jobs", "careers", "help",
                                  "support", "blog", "status", "docs", "cdn", "assets"})
_COMPANY_SUBDOMAIN = r"(?P<company>[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)"

Recogniser = Callable[[str, list[str], dict[str, list[str]], str], "dict[str, Any] | None"]


def _first_segment(segments: list[str], url: str, what: str) -> str:
    """The first path segment, which names the board on most platforms."""
    if not segments:
        raise ValueError(f"{url!r} names no {what}: give the board's own page")
    return segments[0]


def _after(segments: list[str], prefix: list[str]) -> str | None:
    """The segment after ``prefix`` when the path starts with it (case-insensitive)."""
    lowered = [segment.lower() for segment in segments[:len(prefix)]]
    if lowered == prefix and len(segments) > len(prefix):
        return segments[len(prefix)]
    return None


def _greenhouse(host: str, segments: list[str], query: dict[str, list[str]],
                url: str) -> dict[str, Any] | None:
    if host in ("boards-api.greenhouse.io", "boards-api.eu.greenhouse.io"):
        board = _after(segments, ["v1", "boards"])
        if board is None:
            raise ValueError(f"{url!r}: expected boards-api.greenhouse.io/v1/boards/<board>/...")
        return {"kind": "greenhouse", "board": board}
    if host not in ("boards.greenhouse.io", "job-boards.greenhouse.io",
                    "boards.eu.greenhouse.io", "job-boards.eu.greenhouse.io"):
        return None
    if segments and segments[0].lower() == "embed":
        boards = query.get("for")
        if not boards:
            raise ValueError(f"{url!r}: an embedded Greenhouse board names itself in ?for=<board>")
        return {"kind": "greenhouse", "board": boards[0]}
    return {"kind": "greenhouse", "board": _first_segment(segments, url, "Greenhouse board")}


def _lever(host: str, segments: list[str], query: dict[str, list[str]],
           url: str) -> dict[str, Any] | None:
    if host in ("api.lever.co", "api.eu.lever.co"):
        site = _after(segments, ["v0", "postings"])
        if site is None:
            raise ValueError(f"{url!r}: expected api.lever.co/v0/postings/<site>")
    elif host in ("jobs.lever.co", "jobs.eu.lever.co"):
        site = _first_segment(segments, url, "Lever site")
    else:
        return None
    entry: dict[str, Any] = {"kind": "lever", "site": site}
    if ".eu." in host:
        entry["api_base"] = "https://api.eu.lever.co"
    return entry


def _ashby(host: str, segments: list[str], query: dict[str, list[str]],
           url: str) -> dict[str, Any] | None:
    if host == "api.ashbyhq.com":
        board = _after(segments, ["posting-api", "job-board"])
        if board is None:
            raise ValueError(f"{url!r}: expected api.ashbyhq.com/posting-api/job-board/<board>")
        return {"kind": "ashby", "board": board}
    if host == "jobs.ashbyhq.com":
        return {"kind": "ashby", "board": _first_segment(segments, url, "Ashby board")}
    return None


def _workable(host: str, segments: list[str], query: dict[str, list[str]],
              url: str) -> dict[str, Any] | None:
    if host == "apply.workable.com":
        account = (_after(segments, ["api", "v1", "widget", "accounts"])
                   or _after(segments, ["api", "v3", "accounts"]))
        if account is None:
            account = _first_segment(segments, url, "Workable account")
            if account.lower() in ("j", "api"):
                raise ValueError(
                    f"{url!r} is a Workable job link, which does not name the account; "
                    "give the account's page, apply.workable.com/<account>"
                )
        return {"kind": "workable", "account": account}
    match = re.fullmatch(_COMPANY_SUBDOMAIN + r"\.workable\.com", host)
    if match and match["company"] not in _PLATFORM_SUBDOMAINS:
        return {"kind": "workable", "account": match["company"]}
    return None


def _smartrecruiters(host: str, segments: list[str], query: dict[str, list[str]],
                     url: str) -> dict[str, Any] | None:
    if host == "api.smartrecruiters.com":
        company = _after(segments, ["v1", "companies"])
        if company is None:
            raise ValueError(f"{url!r}: expected api.smartrecruiters.com/v1/companies/<company>")
        return {"kind": "smartrecruiters", "company_id": company}
    if host in ("jobs.smartrecruiters.com", "careers.smartrecruiters.com"):
        company = _first_segment(segments, url, "SmartRecruiters company")
        return {"kind": "smartrecruiters", "company_id": company}
    return None


def _subdomain_platform(kind: str, pattern: str) -> Recogniser:
    """A platform whose boards are ``<company>.<domain>``."""
    compiled = re.compile(_COMPANY_SUBDOMAIN + pattern)

    def recognise(host: str, segments: list[str], query: dict[str, list[str]],
                  url: str) -> dict[str, Any] | None:
        match = compiled.fullmatch(host)
        if match is None:
            return None
        if match["company"] in _PLATFORM_SUBDOMAINS:
            raise ValueError(f"{url!r} is {kind}'s own site, not a company's careers site")
        return {"kind": kind, "subdomain": match["company"]}

    return recognise


def _personio(host: str, segments: list[str], query: dict[str, list[str]],
              url: str) -> dict[str, Any] | None:
    match = re.fullmatch(_COMPANY_SUBDOMAIN + r"\.jobs\.personio\.(?P<tld>de|com)", host)
    if match is None:
        return None
    entry: dict[str, Any] = {"kind": "personio", "subdomain": match["company"]}
    if match["tld"] == "com":
        entry["api_base"] = f"https://{match['company']}.jobs.personio.com"
    return entry


def _workday(host: str, segments: list[str], query: dict[str, list[str]],
             url: str) -> dict[str, Any] | None:
    if not host.endswith(".myworkdayjobs.com"):
        return None
    target = parse_careers_url(url if "://" in url else f"https://{url.strip()}")
    return {"kind": "workday", "tenant": target["tenant"], "site": target["site"],
            "host": target["host"]}


_RECOGNISERS: tuple[Recogniser, ...] = (
    _greenhouse, _lever, _ashby, _workable, _smartrecruiters,
    _subdomain_platform("recruitee", r"\.recruitee\.com"),
    _personio,
    _subdomain_platform("teamtailor", r"\.teamtailor\.com"),
    _workday,
)


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
    for recognise in _RECOGNISERS:
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
    from scrapers.spiders import SPIDERS

    try:
        SPIDERS[entry["kind"]].validate_options(dict(entry))
    except (KeyError, ValueError) as error:
        message = error.args[0] if error.args else error
        raise ValueError(f"{url!r}: {message}") from error
    return entry
