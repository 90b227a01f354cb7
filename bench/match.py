"""Match stage: ``TermMatcher`` beside a plain pyahocorasick pass, same texts, same patterns.

The texts are the description text of the SYNTHETIC landing corpus as each kind's parser reads
it from the stored payload (``scrapers.kinds.parse_envelope``), read back in chunks (reading and
parsing are not timed). Each chunk is matched by both sides in turn, the order alternating from
chunk to chunk, and each side is timed in CPU seconds of this (single-threaded) process, so the
figure is postings per second per core and is not skewed by other processes on the machine.

The baseline is the least a dictionary matcher can do: one automaton of the lowercased pattern
texts, ``text.lower()``, iterate the automaton and count hits per pattern. It has no token
boundaries (it finds ``go`` inside ``Google``), no normalisation and no case-sensitive patterns,
so it is a lower bound on the cost, not a correct matcher.
"""

from __future__ import annotations

import itertools
import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import ahocorasick

from bench.report import Row
from bench.terms import DEFAULT_TAXONOMIES, dictionary
from scrapers.kinds import parse_envelope
from warehouse.matching import Pattern, TermMatcher

logger = logging.getLogger(__name__)


def iter_texts(landing_dir: Path, limit: int) -> Iterator[str]:
    """The parsed description text of the first ``limit`` landing records, streamed."""
    count = 0
    for path in sorted(landing_dir.rglob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                yield parse_envelope(json.loads(line)).description_text or ""
                count += 1
                if count >= limit:
                    return


def baseline_automaton(patterns: list[Pattern]) -> ahocorasick.Automaton:
    """One automaton of the lowercased pattern texts, as they are written."""
    automaton = ahocorasick.Automaton()
    for pattern in patterns:
        text = pattern.text.lower()
        if text.strip():
            automaton.add_word(text, text)
    automaton.make_automaton()
    return automaton


def baseline_count(automaton: ahocorasick.Automaton, text: str) -> dict[str, int]:
    """Occurrences per pattern in the lowercased text (substring semantics)."""
    found: dict[str, int] = {}
    for _, value in automaton.iter(text.lower()):
        found[value] = found.get(value, 0) + 1
    return found


def measure(
    landing_dir: Path, postings: int, taxonomies: Path = DEFAULT_TAXONOMIES, chunk: int = 2000
) -> list[Row]:
    """Match ``postings`` texts with both sides, chunk by chunk; report postings/s per core."""
    patterns, origin = dictionary(taxonomies)
    matcher = TermMatcher(patterns)
    automaton = baseline_automaton(patterns)
    logger.info(
        "match: %d patterns (%d case-sensitive) from %s",
        len(patterns),
        sum(p.case_sensitive for p in patterns),
        origin,
    )
    seconds = {"matcher": 0.0, "baseline": 0.0}
    hits = {"matcher": 0, "baseline": 0}
    texts_done = 0
    texts = iter_texts(landing_dir, postings)
    for number in itertools.count():
        batch = list(itertools.islice(texts, chunk))
        if not batch:
            break
        order = ("matcher", "baseline") if number % 2 == 0 else ("baseline", "matcher")
        for side in order:
            started = time.process_time()
            if side == "matcher":
                for text in batch:
                    hits[side] += len(matcher.count(text))
            else:
                for text in batch:
                    hits[side] += len(baseline_count(automaton, text))
            seconds[side] += time.process_time() - started
        texts_done += len(batch)
    rates = {side: texts_done / spent for side, spent in seconds.items()}
    logger.info(
        "match: %d texts; TermMatcher %.0f/s (%d distinct hits), baseline %.0f/s (%d)",
        texts_done,
        rates["matcher"],
        hits["matcher"],
        rates["baseline"],
        hits["baseline"],
    )
    return [
        Row(
            "match",
            f"TermMatcher, {len(patterns):,} patterns, {texts_done:,} texts",
            rates["matcher"],
            "postings/s/core",
            "plain pyahocorasick on text.lower()",
            rates["baseline"],
            note=f"patterns: {origin}; CPU time of one process; distinct (pattern, text) "
            f"hits {hits['matcher']:,} vs baseline's {hits['baseline']:,} "
            "(baseline has no token boundaries)",
        )
    ]
