"""Term matching on token boundaries, fast: one tokenisation, two Aho-Corasick passes.

A text is split once into tokens: runs of letters and digits, joined by inner dots (``node.js``,
``3.11``) or ampersands (``R&D``, ``AT&T``), with trailing ``+`` / ``#`` (``C++``, ``C#``); every
other character — spaces, hyphens, slashes, commas — separates tokens. So ``machine-learning`` is ``machine
learning``, ``CI/CD`` is ``ci cd`` and ``Python/SQL`` is ``python`` then ``sql``. Patterns are
tokenised the same way, and both are joined with single spaces and padded with a space on each
side: a pattern then occurs in a text exactly when its tokens occur there in sequence, and never
inside a longer word.

Case-insensitive patterns are searched in the lowercased token string, case-sensitive ones (``R``,
``Go``, ``AWS``) in the token string as written. Which patterns need context, and what counts as
context, is decided downstream in SQL (dbt) on the counts this module returns.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import ahocorasick

_TOKEN = re.compile(r"[^\W_]+(?:[.&][^\W_]+)*[+#]*")


def tokens(text: str) -> list[str]:
    """The tokens of a text, as written."""
    return _TOKEN.findall(text)


def token_string(text: str) -> str:
    """Tokens joined by single spaces, padded with one space each side."""
    return " " + " ".join(_TOKEN.findall(text)) + " "


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
            needle = token_string(pattern.text)
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

    def count(self, text: str | None) -> Counter[tuple[str, str]]:
        """Occurrences per (pattern key, matched form) in one text."""
        found: Counter[tuple[str, str]] = Counter()
        if not text:
            return found
        written = token_string(text)
        if self._has_insensitive:
            for _, (form, keys) in self._insensitive.iter(written.lower()):
                for key in keys:
                    found[(key, form)] += 1
        if self._has_sensitive:
            for _, (form, keys) in self._sensitive.iter(written):
                for key in keys:
                    found[(key, form)] += 1
        return found

    def match_rows(self, documents: Iterable[tuple[str, str, str | None]]
                   ) -> Iterator[tuple[str, str, str, str, int]]:
        """``(document_id, field, pattern_key, matched_form, count)`` for every match.

        ``documents`` yields ``(document_id, field, text)``.
        """
        for document_id, field, text in documents:
            for (key, form), occurrences in self.count(text).items():
                yield document_id, field, key, form, occurrences
