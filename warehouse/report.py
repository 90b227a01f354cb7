"""The study's table, printed from the warehouse: one role family against another.

For each of the study's category groups (themes, activities, ways of working, organisation), the
top skills and the industry buckets, the share of postings of each role that mention the
category, with the number of postings it is computed on. Shares are re-aggregated from the
``marts.agg_*`` tables as ``sum(mentioning) / sum(postings)``, so they are exact over all months,
industries and sources. The connection is read-only: the report can run while nobody writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from warehouse.lakehouse import Target, open_published

#: The study's category groups, in its order, with the headings the report gives them.
THEME_GROUPS = {
    "theme": "Themes: what the postings ask for",
    "activity": "What they do (activities)",
    "way_of_working": "How they work (ways of working)",
    "organisation": "Where they sit (organisation)",
}


@dataclass
class Section:
    """One block of the report: a heading and rows of (label, share of role A, share of role B)."""

    heading: str
    rows: list[tuple[str, float | None, float | None]] = field(default_factory=list)


@dataclass
class StudyTable:
    """Everything the report prints, as data (tests read it without parsing text)."""

    role: str
    baseline: str
    role_postings: int
    baseline_postings: int
    sections: list[Section]

    def render(self) -> str:
        """The table as fixed-width text."""
        labels = [row[0] for section in self.sections for row in section.rows]
        label_width = max([len("category"), *map(len, labels)])
        role_width = max(len(self.role), 8)
        baseline_width = max(len(self.baseline), 8)
        lines = [
            f"The study's table: {self.role} ({self.role_postings} postings) vs "
            f"{self.baseline} ({self.baseline_postings} postings)",
            "Share of postings that mention each category (terms, skills) or are in each industry.",
        ]
        for section in self.sections:
            lines += [
                "",
                section.heading,
                f"  {'category':<{label_width}}  {self.role:>{role_width}}  "
                f"{self.baseline:>{baseline_width}}",
            ]
            lines += [
                f"  {label:<{label_width}}  {_percent(share):>{role_width}}  "
                f"{_percent(baseline):>{baseline_width}}"
                for label, share, baseline in section.rows
            ]
        return "\n".join(lines)


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{100 * share:.0f}%"


def _share(mentioning: int | None, postings: int | None) -> float | None:
    return None if not postings else (mentioning or 0) / postings


def study_table(
    connection: duckdb.DuckDBPyConnection,
    role: str = "ml_engineer",
    baseline: str = "data_scientist",
    top_skills: int = 15,
) -> StudyTable:
    """Compute the study's table of ``role`` against ``baseline`` from the marts."""
    counts = dict(
        connection.execute(
            "select role_family, count(*) from marts.dim_postings where role_family in (?, ?) "
            "group by role_family",
            [role, baseline],
        ).fetchall()
    )
    sections: list[Section] = []

    theme_rows = connection.execute(
        """
        select
            theme_group,
            theme_name,
            sum(mentioning_postings_count) filter (where role_family = $role),
            sum(postings_count) filter (where role_family = $role),
            sum(mentioning_postings_count) filter (where role_family = $baseline),
            sum(postings_count) filter (where role_family = $baseline)
        from marts.agg_theme_share_monthly
        where role_family in ($role, $baseline)
        group by theme_group, theme_id, theme_name
        order by theme_group, 3 desc nulls last, 5 desc nulls last, theme_name
    """,
        {"role": role, "baseline": baseline},
    ).fetchall()
    for group, heading in THEME_GROUPS.items():
        sections.append(
            Section(
                heading,
                [
                    (name, _share(mentioning, postings), _share(base_mentioning, base_postings))
                    for theme_group, name, mentioning, postings, base_mentioning, base_postings in (
                        theme_rows
                    )
                    if theme_group == group
                ],
            )
        )

    skill_rows = connection.execute(
        """
        select
            skill_name,
            sum(mentioning_postings_count) filter (where role_family = $role),
            sum(postings_count) filter (where role_family = $role),
            sum(mentioning_postings_count) filter (where role_family = $baseline),
            sum(postings_count) filter (where role_family = $baseline)
        from marts.agg_skill_share_monthly
        where role_family in ($role, $baseline)
        group by skill_id, skill_name
        having sum(mentioning_postings_count) > 0
        order by 2 desc nulls last, 4 desc nulls last, skill_name
        limit $top
    """,
        {"role": role, "baseline": baseline, "top": top_skills},
    ).fetchall()
    sections.append(
        Section(
            f"Top {top_skills} skills",
            [
                (name, _share(mentioning, postings), _share(base_mentioning, base_postings))
                for name, mentioning, postings, base_mentioning, base_postings in skill_rows
            ],
        )
    )

    industry_rows = connection.execute(
        """
        select
            industries.industry_bucket,
            count(*) filter (where postings.role_family = $role),
            count(*) filter (where postings.role_family = $baseline)
        from marts.dim_postings as postings
        inner join marts.fct_posting_industries as industries
            on postings.posting_id = industries.posting_id
        where postings.role_family in ($role, $baseline)
        group by industries.industry_bucket
        order by 2 desc, 3 desc, 1
    """,
        {"role": role, "baseline": baseline},
    ).fetchall()
    sections.append(
        Section(
            "Industries (study buckets)",
            [
                (
                    bucket,
                    _share(in_role, counts.get(role)),
                    _share(in_baseline, counts.get(baseline)),
                )
                for bucket, in_role, in_baseline in industry_rows
            ],
        )
    )

    return StudyTable(role, baseline, counts.get(role, 0), counts.get(baseline, 0), sections)


def report(
    database: Target,
    role: str = "ml_engineer",
    baseline: str = "data_scientist",
    top_skills: int = 15,
) -> str:
    """The study's table of the warehouse at ``database``, opened read-only, as text."""
    with open_published(database) as connection:
        return study_table(connection, role, baseline, top_skills).render()
