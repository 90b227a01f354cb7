"""Normalisation done at crawl time: the one derived field the items carry.

Only ``description_text`` is derived here, because turning HTML into text is parsing that Python
does well and SQL does badly; everything else is typed and cleaned in dbt staging. The raw
payload is kept beside it, so a change here can be replayed over history.
"""

from __future__ import annotations

import html
import re

# Tag patterns stop at the next "<": a tag never contains one, and a pattern that could run on
# to the end of the text would make a description full of unclosed "<" take quadratic time
# (hours for a hostile 10 MB description).
_BLOCK_TAGS = re.compile(
    r"<\s*(?:br|/p|/div|/li|/h[1-6]|/tr|/ul|/ol|/section|/blockquote|p|li|h[1-6])\b[^<>]*>",
    re.IGNORECASE,
)
_SCRIPT_STYLE_OPENING = re.compile(r"<\s*(script|style)\b", re.IGNORECASE)
_SCRIPT_STYLE_CLOSING = {
    name: re.compile(rf"<\s*/\s*{name}\s*>", re.IGNORECASE) for name in ("script", "style")
}
_TAG = re.compile(r"<[^<>]*>")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def drop_scripts_and_styles(value: str) -> str:
    """``value`` without its ``<script>`` and ``<style>`` elements, in one pass.

    An element that is never closed is left for the tag pass (its tags go, its text stays).
    """
    kept: list[str] = []
    position = 0
    unclosed: set[str] = set()
    while opening := _SCRIPT_STYLE_OPENING.search(value, position):
        name = opening.group(1).lower()
        closing = (
            None if name in unclosed else _SCRIPT_STYLE_CLOSING[name].search(value, opening.end())
        )
        if closing is None:  # no closing tag further on: none for a later opening either
            unclosed.add(name)
            kept.append(value[position : opening.end()])
            position = opening.end()
            continue
        kept.append(value[position : opening.start()] + " ")
        position = closing.end()
    kept.append(value[position:])
    return "".join(kept)


def html_to_text(value: str | None, *, escaped: bool = False) -> str | None:
    """Plain text of an HTML fragment: blocks become line breaks, entities are decoded.

    ``escaped`` is for sources (Greenhouse) that HTML-escape their HTML once more.
    """
    if value is None:
        return None
    if escaped:
        value = html.unescape(value)
    value = drop_scripts_and_styles(value)
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
