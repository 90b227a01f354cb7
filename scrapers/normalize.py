"""Normalisation done at crawl time: the one derived field the items carry.

Only ``description_text`` is derived here, because turning HTML into text is parsing that Python
does well and SQL does badly; everything else is typed and cleaned in dbt staging. The raw
payload is kept beside it, so a change here can be replayed over history.
"""

from __future__ import annotations

import html
import re

_BLOCK_TAGS = re.compile(
    r"<\s*(?:br|/p|/div|/li|/h[1-6]|/tr|/ul|/ol|/section|/blockquote|p|li|h[1-6])\b[^>]*>",
    re.IGNORECASE,
)
_SCRIPT_STYLE = re.compile(r"<\s*(script|style)\b.*?<\s*/\s*\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def html_to_text(value: str | None, *, escaped: bool = False) -> str | None:
    """Plain text of an HTML fragment: blocks become line breaks, entities are decoded.

    ``escaped`` is for sources (Greenhouse) that HTML-escape their HTML once more.
    """
    if value is None:
        return None
    if escaped:
        value = html.unescape(value)
    value = _SCRIPT_STYLE.sub(" ", value)
    value = _BLOCK_TAGS.sub("\n", value)
    value = _TAG.sub(" ", value)
    value = html.unescape(value)
    value = _SPACES.sub(" ", value)
    value = "\n".join(line.strip() for line in value.split("\n"))
    value = _BLANK_LINES.sub("\n", value).strip()
    return value or None


def description_text(description: str | None, description_format: str) -> str | None:
    """Plain text of a description in any of the formats spiders publish."""
    if description_format == "text":
        return html.unescape(description).strip() or None if description else None
    return html_to_text(description, escaped=description_format == "html_escaped")
