"""Measure the warehouse's facts against the hand labels of ``eval/labels.jsonl``.

The labels (see ``eval/README.md``) were written by reading real postings of the bundled
recording. ``postings eval`` builds a scratch warehouse from that recording through the real
pipeline, then this module joins the marts to the labels on ``posting_id`` and scores, for each
split (``tune``, the labels taxonomies were tuned on, and ``test``, kept aside):

- role family (``dim_postings.role_family``): accuracy;
- industry bucket (``fct_posting_industries.industry_bucket``): accuracy where the source states
  the industry and where it had to be inferred, an unknown counted as wrong, and the coverage
  (share not unknown);
- skills (``fct_posting_skills``): precision and recall over (posting, skill) pairs;
- the study's four themes (``fct_posting_themes``): agreement over (posting, theme) decisions.

Every share carries a 95% Wilson score interval, so a figure measured on 40 postings is not read
as if it were measured on 4,000. The scores are plain data (:class:`Score`) so tests and the CLI
read the same numbers.
"""

from __future__ import annotations

import json
import logging
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from warehouse.config import PROJECT_ROOT

logger = logging.getLogger(__name__)

LABELS_FILE = PROJECT_ROOT / "eval" / "labels.jsonl"
SPLITS = ("tune", "test")
#: What ``postings eval --split`` accepts: one split alone, or ``all`` (every split, then both
#: together). Tuning runs score ``tune`` alone, so that no figure or confusion of the held-aside
#: ``test`` split is seen while rules are changed.
SPLIT_CHOICES = (*SPLITS, "all")
STUDY_THEMES = ("software_engineering", "data", "production", "systems")
ROLE_FAMILIES = frozenset(
    {
        "ml_engineer",
        "mlops_platform",
        "research_scientist",
        "data_scientist",
        "data_engineer",
        "data_analyst",
        "other",
    }
)
INDUSTRY_BUCKETS = frozenset(
    {
        "computer_software",
        "finance_banking",
        "professional_services",
        "staffing_recruiting",
        "other",
        "unknown",
    }
)
#: z for a two-sided 95% interval.
Z_95 = 1.959963984540054


class LabelError(ValueError):
    """A label line that cannot be used; names the file, the line and what is wrong."""


def wilson_interval(successes: int, total: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of ``successes / total``; (0, 1) when there is no observation.

    Wilson rather than the normal approximation because shares near 0 or 1 and small n are the
    common case here (a precision of 0.97 on 60 pairs), where the normal interval leaves [0, 1].
    """
    if total <= 0:
        return 0.0, 1.0
    share = successes / total
    denominator = 1 + z * z / total
    centre = (share + z * z / (2 * total)) / denominator
    half_width = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total))
    half_width /= denominator
    return max(0.0, centre - half_width), min(1.0, centre + half_width)


@dataclass(frozen=True)
class Score:
    """One measured share with its denominator and 95% Wilson interval."""

    metric: str
    split: str
    successes: int
    total: int

    @property
    def value(self) -> float | None:
        """The share, or None when nothing was measured."""
        return self.successes / self.total if self.total else None

    @property
    def interval(self) -> tuple[float, float]:
        """The 95% Wilson interval of the share."""
        return wilson_interval(self.successes, self.total)


@dataclass
class SplitReport:
    """Scores and top confusions of one split."""

    split: str
    scores: list[Score] = field(default_factory=list)
    confusions: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    def score(self, metric: str) -> Score:
        """The score called ``metric``."""
        return next(score for score in self.scores if score.metric == metric)


def read_labels(path: Path = LABELS_FILE) -> list[dict[str, Any]]:
    """The labels, validated: every line a posting with a known split and known categories."""
    labels: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            label = json.loads(line)
        except json.JSONDecodeError as error:
            raise LabelError(f"{path}:{number}: not JSON ({error})") from error
        posting_id = label.get("posting_id")
        problems = []
        if not posting_id:
            problems.append("no posting_id")
        elif posting_id in seen:
            problems.append(f"posting_id {posting_id} labelled twice")
        if label.get("split") not in SPLITS:
            problems.append(f"split {label.get('split')!r} is not one of {SPLITS}")
        if label.get("role_family") not in ROLE_FAMILIES:
            problems.append(f"role_family {label.get('role_family')!r} is unknown")
        if label.get("industry_bucket") not in INDUSTRY_BUCKETS:
            problems.append(f"industry_bucket {label.get('industry_bucket')!r} is unknown")
        themes = label.get("themes")
        if themes is not None and not set(themes) <= set(STUDY_THEMES):
            problems.append(f"themes {sorted(set(themes) - set(STUDY_THEMES))} are unknown")
        if problems:
            raise LabelError(f"{path}:{number}: {'; '.join(problems)}")
        seen.add(posting_id)
        labels.append(label)
    return labels


@dataclass
class Predictions:
    """What the warehouse decided for the labelled postings."""

    role_family: dict[str, str]
    industry_bucket: dict[str, str]
    industry_stated: set[str]
    skills: dict[str, set[str]]
    themes: dict[str, set[str]]


def read_predictions(database: Path, posting_ids: Iterable[str]) -> Predictions:
    """Read the marts of ``database`` (read-only) for the given postings."""
    import duckdb

    wanted = sorted(set(posting_ids))
    with duckdb.connect(str(database), read_only=True) as connection:
        connection.execute("create temp table wanted (posting_id varchar)")
        connection.executemany("insert into wanted values (?)", [[p] for p in wanted])
        role_family = dict(
            connection.execute(
                "select posting_id, role_family from marts.dim_postings "
                "join wanted using (posting_id)"
            ).fetchall()
        )
        industry_rows = connection.execute(
            "select posting_id, coalesce(industry_bucket, 'unknown'), method "
            "from marts.fct_posting_industries join wanted using (posting_id)"
        ).fetchall()
        skill_rows = connection.execute(
            "select posting_id, skill_id from marts.fct_posting_skills "
            "join wanted using (posting_id)"
        ).fetchall()
        theme_rows = connection.execute(
            "select posting_id, theme_id from marts.fct_posting_themes "
            "join wanted using (posting_id) where theme_group = 'theme'"
        ).fetchall()
        stated = {
            row[0]
            for row in connection.execute(
                "select distinct posting_id from staging.stg_raw__posting_industry_labels "
                "join wanted using (posting_id)"
            ).fetchall()
        }
    skills: dict[str, set[str]] = {}
    for posting_id, skill_id in skill_rows:
        skills.setdefault(posting_id, set()).add(skill_id)
    themes: dict[str, set[str]] = {}
    for posting_id, theme_id in theme_rows:
        themes.setdefault(posting_id, set()).add(theme_id)
    stated |= {
        posting_id
        for posting_id, _, method in industry_rows
        if method in ("source_field", "stated")
    }
    return Predictions(
        role_family=role_family,
        industry_bucket={row[0]: row[1] for row in industry_rows},
        industry_stated=stated,
        skills=skills,
        themes=themes,
    )


def evaluate(
    labels: list[dict[str, Any]], predictions: Predictions, top: int = 8, split: str = "all"
) -> list[SplitReport]:
    """Score ``labels`` against ``predictions``: one report for ``split``, or with ``all`` (the
    default) one per split and one for both together.

    A single split is scored from its own labels only: the rows of the other split are not read,
    so neither their figures nor their confusions can show.
    """
    if split not in SPLIT_CHOICES:
        raise ValueError(f"split {split!r} is not one of {SPLIT_CHOICES}")
    reports = []
    for scored in SPLIT_CHOICES if split == "all" else (split,):
        rows = [label for label in labels if scored in ("all", label["split"])]
        reports.append(_evaluate_split(scored, rows, predictions, top))
    return reports


def _evaluate_split(
    split: str, rows: list[dict[str, Any]], predictions: Predictions, top: int
) -> SplitReport:
    report = SplitReport(split)
    missing = [
        row["posting_id"] for row in rows if row["posting_id"] not in predictions.role_family
    ]
    if missing:
        logger.warning(
            "%d labelled postings are not in the warehouse (first: %s)", len(missing), missing[0]
        )

    role_confusions: Counter[str] = Counter()
    role_right = 0
    for row in rows:
        predicted = predictions.role_family.get(row["posting_id"], "missing")
        if predicted == row["role_family"]:
            role_right += 1
        else:
            role_confusions[f"{row['role_family']} -> {predicted}"] += 1
    report.scores.append(Score("role family accuracy", split, role_right, len(rows)))
    report.confusions["role family"] = role_confusions.most_common(top)

    industry_confusions: Counter[str] = Counter()
    known = [row for row in rows if row["industry_bucket"] != "unknown"]
    for kind, subset in (
        ("stated", [r for r in known if r["posting_id"] in predictions.industry_stated]),
        ("inferred", [r for r in known if r["posting_id"] not in predictions.industry_stated]),
    ):
        right = covered = 0
        for row in subset:
            predicted = predictions.industry_bucket.get(row["posting_id"], "unknown")
            covered += predicted != "unknown"
            if predicted == row["industry_bucket"]:
                right += 1
            else:
                industry_confusions[f"{row['industry_bucket']} -> {predicted}"] += 1
        report.scores.append(Score(f"industry accuracy, {kind}", split, right, len(subset)))
        report.scores.append(Score(f"industry coverage, {kind}", split, covered, len(subset)))
    report.confusions["industry"] = industry_confusions.most_common(top)

    skill_rows = [row for row in rows if row.get("skills") is not None]
    true_positive = predicted_total = labelled_total = 0
    misses: Counter[str] = Counter()
    spurious: Counter[str] = Counter()
    for row in skill_rows:
        truth = set(row["skills"])
        found = predictions.skills.get(row["posting_id"], set())
        true_positive += len(truth & found)
        predicted_total += len(found)
        labelled_total += len(truth)
        misses.update(truth - found)
        spurious.update(found - truth)
    report.scores.append(Score("skills precision", split, true_positive, predicted_total))
    report.scores.append(Score("skills recall", split, true_positive, labelled_total))
    report.confusions["skills missed"] = misses.most_common(top)
    report.confusions["skills spurious"] = spurious.most_common(top)

    theme_rows = [row for row in rows if row.get("themes") is not None]
    agree = 0
    theme_confusions: Counter[str] = Counter()
    for row in theme_rows:
        truth = set(row["themes"])
        found = predictions.themes.get(row["posting_id"], set())
        for theme in STUDY_THEMES:
            if (theme in truth) == (theme in found):
                agree += 1
            else:
                theme_confusions[f"{theme} {'missed' if theme in truth else 'spurious'}"] += 1
    report.scores.append(
        Score("themes agreement", split, agree, len(theme_rows) * len(STUDY_THEMES))
    )
    report.confusions["themes"] = theme_confusions.most_common(top)
    return report


def format_reports(reports: list[SplitReport]) -> str:
    """The table ``postings eval`` prints: one row per metric, one column group per split."""
    by_split = {report.split: report for report in reports}
    metrics = [score.metric for score in reports[0].scores]
    header = f"{'metric':<28}" + "".join(f"{split:>26}" for split in by_split)
    lines = [header, "-" * len(header)]
    for metric in metrics:
        cells = []
        for report in by_split.values():
            score = report.score(metric)
            if score.value is None:
                cells.append(f"{'-':>26}")
                continue
            low, high = score.interval
            cells.append(f"{score.value:>6.3f} [{low:.3f}-{high:.3f}] n={score.total:<4}")
        lines.append(f"{metric:<28}" + "".join(f"{cell:>26}" for cell in cells))
    for report in reports:
        if report.split == "all":
            continue
        lines.append(f"\nTop confusions, {report.split} split (label -> warehouse):")
        for name, pairs in report.confusions.items():
            shown = ", ".join(f"{pair} ({count})" for pair, count in pairs) or "none"
            lines.append(f"  {name:<16} {shown}")
    return "\n".join(lines)
