"""One benchmark figure beside its baseline, and the table and JSON they are reported as.

Every ratio reads the same way: above 1 the measured step beats its baseline, below 1 it is
slower (or bigger). For a throughput (``rows/s``, ``postings/s``, ``pages/s``: higher is better)
the ratio is ``value / baseline``; for a time or a memory figure (``s``, ``MiB``: lower is better)
it is ``baseline / value``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Units where a smaller value is better; the ratio is then baseline / value.
LOWER_IS_BETTER = frozenset({"s", "MiB"})


@dataclass
class Row:
    """One line of the results: a figure, its baseline, and their ratio."""

    stage: str
    name: str
    value: float | None
    unit: str
    baseline_name: str
    baseline_value: float | None
    note: str = ""

    @property
    def higher_is_better(self) -> bool:
        """True for throughputs (ratio = value / baseline), False for times and memory."""
        return self.unit not in LOWER_IS_BETTER

    @property
    def ratio(self) -> float | None:
        """Above 1 means better than the baseline, whatever the unit."""
        if not self.value or not self.baseline_value:
            return None
        if self.higher_is_better:
            return self.value / self.baseline_value
        return self.baseline_value / self.value

    def as_json(self) -> dict[str, Any]:
        """The row as written to ``results/latest.json``."""
        ratio = self.ratio
        return {
            "stage": self.stage,
            "name": self.name,
            "value": None if self.value is None else round(self.value, 3),
            "unit": self.unit,
            "baseline_name": self.baseline_name,
            "baseline_value": None
            if self.baseline_value is None
            else round(self.baseline_value, 3),
            "ratio": None if ratio is None else round(ratio, 3),
        }


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def format_table(rows: list[Row], title: str) -> str:
    """The results as one plain-text table, with how to read the ratio in its header."""
    header = ("stage", "measured", "value", "unit", "baseline", "baseline value", "ratio", "as")
    lines = [
        [
            row.stage,
            row.name,
            _number(row.value),
            row.unit,
            row.baseline_name,
            _number(row.baseline_value),
            "FAILED" if row.value is None else _number(row.ratio) + "x",
            "v/b" if row.higher_is_better else "b/v",
        ]
        for row in rows
    ]
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *lines, strict=True)]
    numeric = {2, 5, 6}

    def render(cells: list[str] | tuple[str, ...]) -> str:
        return "  ".join(
            str(cell).rjust(width) if index in numeric else str(cell).ljust(width)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        )

    rule = "-" * len(render(header))
    out = [
        title,
        "ratio > 1 = better than the baseline. as v/b: ratio = value / baseline (throughput, "
        "higher is better); as b/v: ratio = baseline / value (time or memory, lower is better).",
        rule,
        render(header),
        rule,
    ]
    out += [render(line) for line in lines]
    out.append(rule)
    notes = [f"  {row.stage}/{row.name}: {row.note}" for row in rows if row.note]
    if notes:
        out += ["notes:", *notes]
    return "\n".join(out)


def write_json(rows: list[Row], path: Path) -> None:
    """Write the rows as a JSON list, atomically (a ``.tmp`` file renamed over the old one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(
        json.dumps([row.as_json() for row in rows], indent=2) + "\n", encoding="utf-8"
    )
    temporary.replace(path)
