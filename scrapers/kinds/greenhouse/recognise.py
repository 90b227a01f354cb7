"""Greenhouse careers URLs: ``boards.greenhouse.io/<board>``, ``job-boards.greenhouse.io/<board>``.

Their ``.eu.`` twins too (the global API is reported to serve those boards, while
boards-api.eu.greenhouse.io is not confirmed to exist), the embed form
``boards.greenhouse.io/embed/job_board?for=<board>`` and the API's own
``boards-api.greenhouse.io/v1/boards/<board>/...``.
"""

from __future__ import annotations

from typing import Any

from scrapers.discovery import after, first_segment


def recognise(
    host: str, segments: list[str], query: dict[str, list[str]], url: str
) -> dict[str, Any] | None:
    """The entry of the Greenhouse board ``url`` belongs to; None when it is not Greenhouse's."""
    if host in ("boards-api.greenhouse.io", "boards-api.eu.greenhouse.io"):
        board = after(segments, ["v1", "boards"])
        if board is None:
            raise ValueError(f"{url!r}: expected boards-api.greenhouse.io/v1/boards/<board>/...")
        return {"kind": "greenhouse", "board": board}
    if host not in (
        "boards.greenhouse.io",
        "job-boards.greenhouse.io",
        "boards.eu.greenhouse.io",
        "job-boards.eu.greenhouse.io",
    ):
        return None
    if segments and segments[0].lower() == "embed":
        boards = query.get("for")
        if not boards:
            raise ValueError(f"{url!r}: an embedded Greenhouse board names itself in ?for=<board>")
        return {"kind": "greenhouse", "board": boards[0]}
    return {"kind": "greenhouse", "board": first_segment(segments, url, "Greenhouse board")}
