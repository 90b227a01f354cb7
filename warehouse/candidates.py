"""Boards that find themselves: careers URLs seen in crawled postings, as sources to add.

Postings link to the boards of other employers all the time: a Hacker News "Who is hiring?"
comment links its company's Lever or Greenhouse board, remote boards' apply links go to the
employer's ATS, an aggregator's posting names the page it copied. Every such link that a kind's
careers-URL recogniser (``scrapers/kinds/<kind>/recognise.py``, through
:func:`scrapers.discovery.entry_from_url`) turns into a sources-file entry is a board we could
crawl. :func:`find_candidates` reads the links of every stored posting version (its URL, its
apply URL and the addresses written in its description), keeps those that name a board not
crawled yet, and says where each was seen. dbt builds them into ``marts.candidate_sources``
every night; ``postings sources discover`` lists them and ``postings sources add
--from-candidates`` adds those that answer.

Links are read from the parsed text, so an address hidden behind a link's text ("apply here")
is not seen; JSON-LD ``hiringOrganization.sameAs`` names the employer's own site, which is not
a board of a known platform, and is not read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

#: SQL (DuckDB) of the links of each version: its URL, apply URL and every http(s) address in
#: its description, cut before the characters that end an address in running text.
LINKS_SQL = r"""
select distinct posting_id, source_key, link, fetched_at
from (
    select posting_id, source_key, fetched_at, url as link from versions
    union all
    select posting_id, source_key, fetched_at, apply_url from versions
    union all
    select posting_id, source_key, fetched_at,
        unnest(regexp_extract_all(description_text, 'https?://[^\s<>"''()\[\]{}|\\^`]+'))
    from versions
)
where link is not null
"""

#: Characters that end a sentence rather than an address ("see jobs.lever.co/acme.").
_TRAILING = ".,;:!?*'\"\u2019\u201d"


@dataclass
class Candidate:
    """One board seen in postings, not crawled yet."""

    source_key: str
    source_kind: str
    entry: dict[str, Any]
    link_example: str
    posting_ids: set[str] = field(default_factory=set)
    seen_in: set[str] = field(default_factory=set)
    first_seen_at: datetime | None = None
    last_seen_at: datetime | None = None

    def saw(self, posting_id: str, source_key: str, fetched_at: datetime | None) -> None:
        """Count one posting that links to this board."""
        self.posting_ids.add(posting_id)
        self.seen_in.add(source_key)
        if fetched_at is not None:
            if self.first_seen_at is None or fetched_at < self.first_seen_at:
                self.first_seen_at = fetched_at
            if self.last_seen_at is None or fetched_at > self.last_seen_at:
                self.last_seen_at = fetched_at


def clean_link(link: str) -> str:
    """A link as written in text, without the punctuation that closed its sentence."""
    return link.strip().rstrip(_TRAILING)


def board_of(link: str) -> tuple[str, dict[str, Any]] | None:
    """``(source key, sources-file entry)`` of the board a link belongs to, or None."""
    from scrapers.discovery import entry_from_url
    from scrapers.sources import SourceConfigError, parse_entry

    try:
        entry = entry_from_url(link)
        return parse_entry(entry, 1).key, entry
    except (ValueError, SourceConfigError):
        return None


def find_candidates(
    links: list[tuple[str, str, str, datetime | None]], known_sources: set[str]
) -> list[Candidate]:
    """The boards the ``(posting_id, source_key, link, fetched_at)`` rows name, but the known.

    Each distinct link is recognised once (recognising costs more than grouping), so the cost
    grows with the number of distinct addresses, not of postings.
    """
    boards: dict[str, tuple[str, dict[str, Any]] | None] = {}
    found: dict[str, Candidate] = {}
    for posting_id, source_key, raw_link, fetched_at in links:
        link = clean_link(raw_link)
        if link not in boards:
            boards[link] = board_of(link)
        board = boards[link]
        if board is None or board[0] in known_sources:
            continue
        key, entry = board
        candidate = found.get(key)
        if candidate is None:
            candidate = found[key] = Candidate(key, str(entry["kind"]), entry, link)
        elif link < candidate.link_example:  # the same example whatever order the rows came in
            candidate.link_example, candidate.entry = link, entry
        candidate.saw(posting_id, source_key, fetched_at)
    return sorted(found.values(), key=lambda c: (-len(c.posting_ids), c.source_key))


def as_rows(candidates: list[Candidate]) -> dict[str, list[Any]]:
    """The columns of ``marts.candidate_sources``."""
    return {
        "candidate_source_key": [c.source_key for c in candidates],
        "source_kind": [c.source_kind for c in candidates],
        "sources_entry": [json.dumps(c.entry, ensure_ascii=False) for c in candidates],
        "link_example": [c.link_example for c in candidates],
        "postings_linking": [len(c.posting_ids) for c in candidates],
        "seen_in_sources": [", ".join(sorted(c.seen_in)) for c in candidates],
        "first_seen_at": [c.first_seen_at for c in candidates],
        "last_seen_at": [c.last_seen_at for c in candidates],
    }
