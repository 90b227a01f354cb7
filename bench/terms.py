"""The dictionary the matcher benchmark searches for: ~1,000 skill and theme patterns.

The project's own seeds are used where they exist (``dbt_project/seeds/skill_aliases.csv`` and
``theme_terms.csv``), so the benchmark measures the dictionary production will use; the rest, up
to ~1,000 patterns, comes from the open taxonomies the seeds are being curated from
(``/work/shared/taxonomies``: the ML themes draft, O*NET technology names with their safe and
case-sensitive acronym aliases, GitHub Linguist programming languages), which gives a real mix of
one-word, multi-word and case-sensitive terms rather than an invented list.
"""

from __future__ import annotations

import csv
from pathlib import Path

from warehouse.config import PROJECT_ROOT
from warehouse.matching import Pattern

#: The shared taxonomies beside the checkout, when present; the seeds alone otherwise.
DEFAULT_TAXONOMIES = PROJECT_ROOT.parent / "shared" / "taxonomies"
SEEDS = (
    PROJECT_ROOT / "dbt_project" / "seeds" / "skill_aliases.csv",
    PROJECT_ROOT / "dbt_project" / "seeds" / "theme_terms.csv",
)
_TEXT_COLUMNS = ("alias", "term", "pattern", "keyword", "surface_form", "name")
_KEY_COLUMNS = ("skill_id", "theme_id", "skill", "theme", "key")


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"true", "t", "1", "yes", "y"}


def from_seeds(paths: tuple[Path, ...] = SEEDS) -> list[Pattern]:
    """Patterns from the project's seeds, whatever their exact column names."""
    patterns: list[Pattern] = []
    for path in paths:
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                text = next((row[c] for c in _TEXT_COLUMNS if row.get(c)), None)
                if not text:
                    continue
                key = next((row[c] for c in _KEY_COLUMNS if row.get(c)), text)
                sensitive = _truthy(row.get("case_sensitive")) or (
                    row.get("match_policy", "") == "case_sensitive"
                )
                patterns.append(Pattern(f"{path.stem}:{key}", text, sensitive))
    return patterns


def from_taxonomies(directory: Path = DEFAULT_TAXONOMIES, limit: int = 1000) -> list[Pattern]:
    """About ``limit`` patterns from the open taxonomies, most relevant first."""

    def rows(name: str) -> list[dict[str, str]]:
        with (directory / name).open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    def split(value: str) -> list[str]:
        return [part.strip() for part in (value or "").split("|") if part.strip()]

    themes = [Pattern(f"theme:{row['theme']}", row["term"]) for row in rows("ml_themes_draft.csv")]
    onet_rows = [
        row
        for row in rows("onet_tech_skills.csv")
        if row["is_generic_category"] == "N" and row["example_match_policy"] != "context_required"
    ]
    onet_rows.sort(
        key=lambda row: (
            row["hot_technology"] != "Y",
            row["in_demand_any"] != "Y",
            row["linked_data_ml_occ"] != "Y",
        )
    )

    def onet(row: dict[str, str]) -> list[Pattern]:
        key = f"onet:{row['example']}"
        found = [Pattern(key, row["example"], row["example_match_policy"] == "case_sensitive")]
        found += [Pattern(key, alias) for alias in split(row["aliases_safe"])]
        found += [
            Pattern(key, alias, True) for alias in split(row["aliases_acronym_case_sensitive"])
        ]
        return found

    languages = [
        row
        for row in rows("linguist_languages.csv")
        if row["type"] == "programming" and row["match_policy"] != "context_required"
    ]

    def language(row: dict[str, str]) -> list[Pattern]:
        key = f"language:{row['language']}"
        sensitive = row["match_policy"] == "case_sensitive"
        return [
            Pattern(key, row["language"], sensitive),
            *(Pattern(key, alias, sensitive) for alias in split(row["aliases"])),
        ]

    hot = [row for row in onet_rows if row["hot_technology"] == "Y" or row["in_demand_any"] == "Y"]
    rest = onet_rows[len(hot) :]
    ordered = themes + [p for row in hot for p in onet(row)]
    ordered += [p for row in languages for p in language(row)]
    ordered += [p for row in rest for p in onet(row)]
    unique: dict[tuple[str, bool], Pattern] = {}
    for pattern in ordered:
        unique.setdefault((pattern.text.lower(), pattern.case_sensitive), pattern)
    return list(unique.values())[:limit]


def dictionary(
    taxonomies: Path = DEFAULT_TAXONOMIES, size: int = 1000
) -> tuple[list[Pattern], str]:
    """About ``size`` patterns to benchmark with, and where they came from.

    The seeds that exist come first; the open taxonomies fill the dictionary up to ``size``, so
    the benchmark always searches a dictionary of the size production is planned for.
    """
    patterns = from_seeds()
    seeded = len(patterns)
    if seeded < size and taxonomies.exists():
        known = {(p.text.lower(), p.case_sensitive) for p in patterns}
        for pattern in from_taxonomies(taxonomies, limit=size * 2):
            if len(patterns) >= size:
                break
            if (pattern.text.lower(), pattern.case_sensitive) not in known:
                patterns.append(pattern)
    present = [path.name for path in SEEDS if path.exists()]
    origin = (
        f"{seeded} from dbt_project/seeds ({', '.join(present) or 'none yet'}) + "
        f"{len(patterns) - seeded} from {taxonomies}"
    )
    return patterns, origin
