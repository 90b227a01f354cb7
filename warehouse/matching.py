"""Term matching on token boundaries, fast: one normalisation, two Aho-Corasick passes.

A text is normalised once: every ASCII character that is not a letter, a digit or one of
``. & + #`` becomes a space, as do common typographic marks (curly quotes, dashes, bullets, the
no-break space); a dot or ampersand that ends a word (``Python.``) is dropped; runs of spaces
become one. What is left are tokens such as ``C++``, ``C#``, ``node.js``, ``R&D``: so
``machine-learning`` reads ``machine learning``, ``CI/CD`` reads ``CI CD`` and ``Python/SQL`` reads
``Python SQL``. Patterns are normalised the same way, and both are padded with a space on each
side: a pattern then occurs in a text exactly when its tokens occur there in sequence, and never
inside a longer word (``Go`` is not found in ``Google``, ``R`` not in ``R&D``).

The work is done in C (``bytes.translate``, ``split``, ``join``, the automaton), which is why
this is several times faster than a tokenising regular expression. Case-insensitive patterns are
searched in the lowercased text, case-sensitive ones (``R``, ``Go``, ``AWS``) in the text as
written. Which patterns need context, and what counts as context, is decided downstream in SQL
(dbt) on the counts this module returns.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ahocorasick
import pyarrow as pa

_KEPT = frozenset(b".&+#")
_BYTE_TABLE = bytes(
    byte if (chr(byte).isalnum() or byte in _KEPT or byte >= 128) else 32 for byte in range(256)
)
_TYPOGRAPHIC = (
    "\u2019",
    "\u2018",
    "\u201c",
    "\u201d",
    "\u2013",
    "\u2014",
    "\u2022",
    "\u00b7",
    "\u2026",
    "\u00a0",
    "\u2023",
    "\u25cf",
    "\u2212",
    "\u3000",
)


def normalise(text: str) -> str:
    """The text as space-separated tokens, padded with one space each side."""
    for mark in _TYPOGRAPHIC:
        if mark in text:
            text = text.replace(mark, " ")
    data = text.encode("utf-8", "surrogatepass").translate(_BYTE_TABLE)
    data = data.replace(b". ", b" ").replace(b"& ", b" ").replace(b" &", b" ")
    joined = b" ".join(data.split()).rstrip(b".&")
    return " " + joined.decode("utf-8", "surrogatepass") + " "


def tokens(text: str) -> list[str]:
    """The tokens of a text, as written."""
    return normalise(text).split()


@dataclass(frozen=True)
class Pattern:
    """One term to find: its key, its surface form and whether case matters."""

    key: str
    text: str
    case_sensitive: bool = False


class TermMatcher:
    """Counts the occurrences of many patterns in many texts.

    Build it once per dictionary, then call :meth:`count` per text. Patterns that tokenise to
    nothing (punctuation only) are ignored and listed in ``ignored``.
    """

    def __init__(self, patterns: Iterable[Pattern]) -> None:
        self.ignored: list[Pattern] = []
        self._insensitive = ahocorasick.Automaton()
        self._sensitive = ahocorasick.Automaton()
        by_needle: dict[tuple[bool, str], list[str]] = {}
        for pattern in patterns:
            needle = normalise(pattern.text)
            if not needle.strip():
                self.ignored.append(pattern)
                continue
            if not pattern.case_sensitive:
                needle = needle.lower()
            by_needle.setdefault((pattern.case_sensitive, needle), []).append(pattern.key)
        for (case_sensitive, needle), keys in by_needle.items():
            automaton = self._sensitive if case_sensitive else self._insensitive
            automaton.add_word(needle, (needle.strip(), tuple(keys)))
        self._has_insensitive = len(self._insensitive) > 0
        self._has_sensitive = len(self._sensitive) > 0
        if self._has_insensitive:
            self._insensitive.make_automaton()
        if self._has_sensitive:
            self._sensitive.make_automaton()

    def count(self, text: str | None) -> dict[tuple[str, str], int]:
        """Occurrences per (pattern key, matched form) in one text."""
        found: dict[tuple[str, str], int] = {}
        if not text:
            return found
        written = normalise(text)
        hits: dict[tuple[str, tuple[str, ...]], int] = {}
        if self._has_insensitive:
            for _, value in self._insensitive.iter(written.lower()):
                hits[value] = hits.get(value, 0) + 1
        if self._has_sensitive:
            for _, value in self._sensitive.iter(written):
                hits[value] = hits.get(value, 0) + 1
        for (form, keys), occurrences in hits.items():
            for key in keys:
                found[(key, form)] = found.get((key, form), 0) + occurrences
        return found

    def match_rows(
        self, documents: Iterable[tuple[str, str, str | None]]
    ) -> Iterator[tuple[str, str, str, str, int]]:
        """``(document_id, field, pattern_key, matched_form, count)`` for every match.

        ``documents`` yields ``(document_id, field, text)``.
        """
        for document_id, field, text in documents:
            for (key, form), occurrences in self.count(text).items():
                yield document_id, field, key, form, occurrences


# ---------------------------------------------------------------------------- batches (dbt)
#: One dictionary entry for :func:`match_batches`: ``(term_set, term_key, pattern,
#: is_case_sensitive)``, as the dbt model ``int_match_terms_unioned`` has them.
DictionaryTerm = tuple[str, str, str, bool]

#: The rows :func:`match_batches` yields: one per document, field and term found.
_MATCH_FIELDS: list[pa.Field[Any]] = [
    pa.field("posting_id", pa.string()),
    pa.field("field", pa.string()),
    pa.field("term_set", pa.string()),
    pa.field("term_key", pa.string()),
    pa.field("matched_form", pa.string()),
    pa.field("mention_count", pa.int64()),
]
MATCH_SCHEMA = pa.schema(_MATCH_FIELDS)


def match_schema(
    input_schema: pa.Schema | None = None,
    *,
    id_column: str = "posting_id",
    carry: Sequence[str] = (),
) -> pa.Schema:
    """The schema of :func:`match_batches`' rows for these options.

    With the defaults it is :data:`MATCH_SCHEMA`. Otherwise the first column is named
    ``id_column`` and the ``carry`` columns follow it with their types in ``input_schema``.
    """
    if id_column == "posting_id" and not carry:
        return MATCH_SCHEMA
    if carry and input_schema is None:
        raise ValueError("carried columns need the input schema for their types")
    fields = [pa.field(id_column, pa.string())]
    fields += [pa.field(name, input_schema.field(name).type) for name in carry]  # type: ignore[union-attr]
    return pa.schema(fields + list(MATCH_SCHEMA)[1:])


def match_batches(
    terms: Iterable[DictionaryTerm],
    batches: Iterable[pa.RecordBatch],
    *,
    fields: Mapping[str, str],
    id_column: str = "posting_id",
    carry: Sequence[str] = (),
) -> Iterator[pa.RecordBatch]:
    """Match every text of every batch against the dictionary, one output batch per input batch.

    ``fields`` maps the output's ``field`` value to the input column holding that text, e.g.
    ``{"title": "title", "description": "description_text"}``. Only one input batch and its
    matches are held at a time, so memory stays bounded however many documents stream through;
    batches without any match yield nothing. Rows follow :func:`match_schema`: the document's
    ``id_column``, then the ``carry`` columns copied from its input row (the nightly build keeps
    the version's ``loaded_at`` as its watermark), then the match.
    """
    identities: list[tuple[str, str]] = []
    patterns: list[Pattern] = []
    for term_set, term_key, text, is_case_sensitive in terms:
        patterns.append(Pattern(str(len(identities)), text, bool(is_case_sensitive)))
        identities.append((term_set, term_key))
    matcher = TermMatcher(patterns)
    schema: pa.Schema | None = None
    for batch in batches:
        if schema is None:
            schema = match_schema(batch.schema, id_column=id_column, carry=carry)
        ids = batch.column(id_column).to_pylist()
        rows: list[int] = []  # the input row of each match, to copy the carried columns
        columns: dict[str, list[Any]] = {name: [] for name in MATCH_SCHEMA.names}
        for field, column in fields.items():
            texts: list[str | None] = batch.column(column).to_pylist()
            for row, (document_id, document) in enumerate(zip(ids, texts, strict=True)):
                for (key, form), occurrences in matcher.count(document).items():
                    term_set, term_key = identities[int(key)]
                    rows.append(row)
                    columns["posting_id"].append(document_id)
                    columns["field"].append(field)
                    columns["term_set"].append(term_set)
                    columns["term_key"].append(term_key)
                    columns["matched_form"].append(form)
                    columns["mention_count"].append(occurrences)
        if rows:
            picked = pa.array(rows, pa.int64())
            arrays: list[pa.Array[Any]] = [pa.array(columns["posting_id"], pa.string())]
            arrays += [batch.column(name).take(picked) for name in carry]
            arrays += [
                pa.array(columns[name], MATCH_SCHEMA.field(name).type)
                for name in MATCH_SCHEMA.names[1:]
            ]
            yield pa.record_batch(arrays, schema=schema)
