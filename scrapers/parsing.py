"""The parser contract: what one stored payload becomes, and the helpers every kind's parser uses.

Each source kind has one pure function, ``scrapers/kinds/<kind>/parser.py:parse``, that turns the
payload a spider stored into :class:`PostingFields`. Parsers do no I/O and keep values as the
source wrote them (strings; dates as published): typing and cleaning that is the same for every
kind (trimming, UTC timestamps, workplace types, salary amounts) is SQL in the generic staging
model ``stg_raw__posting_versions``. What only a kind knows (which key holds the title, how its
HTML is escaped, what its first line means) is here, in Python, in one place per kind.

Parsers run in dbt (the ``stg_raw__posting_versions_parsed`` Python model) over every stored
version, and every parser's source is part of the project fingerprint: when a parser changes,
the next ``postings transform`` rebuilds from the stored payloads, so the fix reaches history.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from scrapers.normalize import description_text as _description_text


@dataclass(frozen=True, kw_only=True)
class ParseContext:
    """What a parser knows besides the payload: where it came from and its entry's context."""

    source_kind: str
    source_key: str
    source_posting_id: str
    #: The address the payload was fetched from (a page's URL for JSON-LD).
    url: str | None = None
    #: The envelope's ``source_context`` (e.g. ``{"company": "Anthropic"}``).
    context: Mapping[str, Any] = field(default_factory=dict)

    @property
    def identity(self) -> str:
        """The source's identity, the part of its key after ``kind:`` (a board, a site...)."""
        return self.source_key.split(":", 1)[1] if ":" in self.source_key else self.source_key

    @property
    def company(self) -> str | None:
        """The display name the source entry gives the employer, if it gives one."""
        return text(self.context.get("company"))


@dataclass(kw_only=True)
class PostingFields:
    """The fields of one posting version as its payload states them (text, not yet typed).

    Every field is text as published, or None when the payload does not say; the generic staging
    model types them (dates to UTC timestamps, amounts to numbers, workplace to a category).
    """

    title: str | None = None
    company_name: str | None = None
    location: str | None = None
    country: str | None = None
    region: str | None = None
    city: str | None = None
    #: The published workplace value (``Remote``, ``TELECOMMUTE``, ``hybrid``...).
    remote: str | None = None
    department: str | None = None
    employment_type: str | None = None
    posted_at: str | None = None
    updated_at: str | None = None
    expires_at: str | None = None
    url: str | None = None
    apply_url: str | None = None
    salary_currency: str | None = None
    salary_min: str | None = None
    salary_max: str | None = None
    salary_interval: str | None = None
    salary_text: str | None = None
    #: ``html``, ``html_escaped`` (escaped once more, as Greenhouse does) or ``text``.
    description_format: str | None = None
    #: Plain text of the description: tags dropped, blocks as line breaks, entities decoded.
    description_text: str | None = None
    #: Industry labels the source states for the employer, in its order (as published).
    industry_labels: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        for item in fields(self):
            if item.name == "industry_labels":
                continue
            value = getattr(self, item.name)
            if value is not None and not isinstance(value, str):
                setattr(self, item.name, text(value))


#: A kind's parser: the stored payload (text) and its context in, the posting's fields out.
Parser = Callable[[str, ParseContext], PostingFields]

#: The text columns of :class:`PostingFields`, in order (the parsed model's output columns).
TEXT_FIELDS: tuple[str, ...] = tuple(
    item.name for item in fields(PostingFields) if item.name != "industry_labels"
)


def text(value: Any) -> str | None:
    """A published value as text: strings trimmed, numbers as written, anything else None.

    A boolean becomes ``true``/``false`` (as JSON writes it); an object or a list is not text
    (None), so that a field the source filled with a structure never becomes ``{'a': 1}``.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return (
            repr(value) if value == value and value not in (float("inf"), float("-inf")) else None
        )
    if isinstance(value, str):
        return value.strip() or None
    return None


def joined(values: Any, separator: str = ", ") -> str | None:
    """A text or a list of texts as one text (schema.org properties are either)."""
    if isinstance(values, list):
        parts = [part for part in (text(value) for value in values) if part]
        return separator.join(parts) or None
    return text(values)


def first_text(*values: Any) -> str | None:
    """The first of ``values`` that is non-empty text."""
    for value in values:
        found = text(value)
        if found:
            return found
    return None


def dig(record: Any, *path: str | int) -> Any:
    """``record[path[0]][path[1]]...``, or None as soon as a step is missing or of another type."""
    current = record
    for step in path:
        if isinstance(step, int):
            if not isinstance(current, list) or not -len(current) <= step < len(current):
                return None
            current = current[step]
        else:
            if not isinstance(current, dict):
                return None
            current = current.get(step)
    return current


def load_json_object(payload: str) -> dict[str, Any]:
    """The payload as a JSON object; anything else raises ValueError (the version's parse issue)."""
    record = json.loads(payload)
    if not isinstance(record, dict):
        raise ValueError(f"payload is a JSON {type(record).__name__}, not an object")
    return record


def description(value: Any, description_format: str = "html") -> tuple[str | None, str | None]:
    """``(format, plain text)`` of a published description; non-text values give no text."""
    if not isinstance(value, str) or not value.strip():
        return None, None
    return description_format, _description_text(value, description_format)


def labels(values: Iterable[Any] | Any) -> list[str]:
    """Industry labels as published: a text, a list of texts or ``{"name": ...}`` objects."""
    items = values if isinstance(values, list) else [values]
    found: list[str] = []
    for value in items:
        label = (
            text(value.get("name") or value.get("label"))
            if isinstance(value, dict)
            else text(value)
        )
        if label and label not in found:
            found.append(label)
    return found
