"""Ashby careers URLs: ``jobs.ashbyhq.com/<board>``, and the Posting API's own
``api.ashbyhq.com/posting-api/job-board/<board>``.
"""

from __future__ import annotations

from typing import Any

from scrapers.discovery import after, first_segment


def recognise(
    host: str, segments: list[str], query: dict[str, list[str]], url: str
) -> dict[str, Any] | None:
    """The entry of the Ashby board ``url`` belongs to; None when it is not Ashby's."""
    if host == "api.ashbyhq.com":
        board = after(segments, ["posting-api", "job-board"])
        if board is None:
            raise ValueError(f"{url!r}: expected api.ashbyhq.com/posting-api/job-board/<board>")
        return {"kind": "ashby", "board": board}
    if host == "jobs.ashbyhq.com":
        return {"kind": "ashby", "board": first_segment(segments, url, "Ashby board")}
    return None
