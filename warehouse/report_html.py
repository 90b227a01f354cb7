"""The study as pictures: one self-contained HTML page (and PNG files) drawn from the marts.

Analysts share a page, not a terminal. Every chart is drawn by matplotlib as inline SVG, so the
page needs no script, no font and no network when it is opened (mailable, archivable); the same
figures are written as PNG for slides. Each chart says its denominator, its date range and the
mart it came from, and draws the Wilson 95% interval of every share (the ``wilson_interval``
macro's formula, recomputed here from summed counts because shares are re-aggregated over cells).
Where the warehouse has nothing to draw, the page says what is missing instead of empty axes.

Every drawn mark (bar, line) carries an SVG id ``mark-<chart>-<i>`` and each figure states how
many it drew (``data-marks``), so the browser test can check every chart really drew.
"""

from __future__ import annotations

import html
import io
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from warehouse.lakehouse import Target, open_published
from warehouse.report import THEME_GROUPS

logger = logging.getLogger(__name__)

Z95 = 1.959963984540054
#: Cells with fewer postings than this are marked as small in text and charts.
SMALL_N = 30
ROLE_COLOUR = "#1f5fa8"
BASELINE_COLOUR = "#e08a2c"
MUTED = "#9aa3ad"


class UnknownRoleError(ValueError):
    """A role or baseline that no rule or posting of the warehouse knows."""


def wilson(successes: int, trials: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of ``successes / trials`` (the dbt macro ``wilson_interval``)."""
    if trials <= 0:
        return (math.nan, math.nan)
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z / denominator * math.sqrt(max(0.0, p * (1 - p) / trials + z * z / (4 * trials**2)))
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass
class Share:
    """One share with its counts: what a bar and its interval are drawn from."""

    label: str
    mentioning: int
    postings: int

    @property
    def value(self) -> float:
        return self.mentioning / self.postings if self.postings else math.nan

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.mentioning, self.postings)


@dataclass
class Chart:
    """One figure of the report: drawn (svg, marks, the figure) or missing (a sentence why)."""

    chart_id: str
    title: str
    caption: str
    source: str
    svg: str = ""
    marks: int = 0
    missing: str | None = None
    #: The matplotlib figure, kept so that PNG is rendered only when asked for (``--png``).
    figure: Any = None

    def png(self) -> bytes:
        """The chart as PNG (150 dpi), rendered now."""
        image = io.BytesIO()
        self.figure.savefig(image, format="png", dpi=150)
        return image.getvalue()


@dataclass
class HtmlReport:
    """The page as data: tests read the charts without parsing HTML."""

    role: str
    baseline: str
    role_postings: int
    baseline_postings: int
    date_range: str
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def drawn(self) -> int:
        """How many charts drew (the others say what is missing)."""
        return sum(1 for chart in self.charts if not chart.missing)


def known_roles(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """Role families the rules seed can assign, with any the postings carry, sorted.

    The seed file is read when the warehouse has no ``reference`` schema yet (an empty or
    unbuilt warehouse still knows which roles exist).
    """
    import csv

    from warehouse.config import PROJECT_ROOT

    seed = PROJECT_ROOT / "dbt_project" / "seeds" / "role_family_rules.csv"
    roles: set[str] = {"other"}
    with seed.open(encoding="utf-8", newline="") as handle:
        roles |= {row["role_family"] for row in csv.DictReader(handle) if row["role_family"]}
    for query in (
        "select distinct role_family from reference.role_family_rules",
        "select distinct role_family from marts.dim_postings",
    ):
        with _missing_ok():
            roles |= {row[0] for row in connection.execute(query).fetchall() if row[0]}
    return sorted(roles)


class _missing_ok:
    """Ignore a catalog error: an unbuilt warehouse lacks the tables, which the page then says."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, error: Any, trace: Any) -> bool:
        return kind is not None and issubclass(kind, duckdb.CatalogException)


def check_roles(connection: duckdb.DuckDBPyConnection, *roles: str) -> None:
    """Raise UnknownRoleError naming the known role families when a role is not one of them."""
    known = known_roles(connection)
    for role in roles:
        if role not in known:
            raise UnknownRoleError(
                f"unknown role family {role!r}; the known ones are: {', '.join(known)}"
            )


def _table_exists(connection: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    row = connection.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(row and row[0])


# ---------------------------------------------------------------------------- drawing
def _figure(height: float) -> Any:
    import matplotlib as mpl

    mpl.use("Agg")
    mpl.rcParams.update(
        {
            "svg.fonttype": "none",
            "font.family": "sans-serif",
            "font.sans-serif": ["DejaVu Sans", "Helvetica", "Arial"],
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.edgecolor": "#c8ced6",
            "axes.grid": True,
            "axes.grid.axis": "x",
            "grid.color": "#eef0f3",
            "axes.axisbelow": True,
            "svg.hashsalt": "postings",
        }
    )
    from matplotlib.figure import Figure

    return Figure(figsize=(7.2, height), layout="constrained")


def _finish(chart: Chart, figure: Any, marks: int) -> Chart:
    svg = io.StringIO()
    figure.savefig(svg, format="svg", metadata={"Date": None})
    text = svg.getvalue()
    chart.svg = text[text.index("<svg") :]
    chart.figure = figure
    chart.marks = marks
    return chart


def _percent_axis(axis: Any) -> None:
    from matplotlib.ticker import PercentFormatter

    axis.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))


def _paired_bars(
    chart: Chart, rows: Sequence[tuple[Share, Share | None]], role: str, baseline: str
) -> Chart:
    """Horizontal bars, the role above its baseline, each with its Wilson interval and n."""
    figure = _figure(0.42 * len(rows) + 1.1)
    axis = figure.add_subplot()
    with_baseline = any(base is not None and base.postings for _, base in rows)
    height = 0.38 if with_baseline else 0.6
    marks = 0
    for index, (share, base) in enumerate(rows):
        y = len(rows) - 1 - index
        pairs = [(share, ROLE_COLOUR, y + (height / 2 if with_baseline else 0))]
        if with_baseline and base is not None:
            pairs.append((base, BASELINE_COLOUR, y - height / 2))
        for item, colour, position in pairs:
            if not item.postings:
                continue
            small = item.postings < SMALL_N
            bar = axis.barh(
                position,
                item.value,
                height=height,
                color=colour,
                alpha=0.45 if small else 0.9,
                hatch="///" if small else None,
                edgecolor=colour,
                linewidth=0.6,
            )
            bar.patches[0].set_gid(f"mark-{chart.chart_id}-{marks}")
            marks += 1
            low, high = item.interval
            axis.errorbar(
                item.value,
                position,
                xerr=[[item.value - low], [high - item.value]],
                fmt="none",
                ecolor="#2b2f33",
                elinewidth=0.8,
                capsize=2,
            )
            axis.text(
                min(high, 1.0) + 0.01,
                position,
                f"{item.value:.0%}",
                va="center",
                fontsize=7.5,
                color="#2b2f33",
            )
    axis.set_yticks(range(len(rows)), [share.label for share, _ in reversed(rows)])
    axis.set_xlim(0, 1.08)
    _percent_axis(axis)
    axis.tick_params(axis="y", length=0)
    legend = [(ROLE_COLOUR, f"{role} (n = {rows[0][0].postings})")]
    if with_baseline and rows[0][1] is not None:
        legend.append((BASELINE_COLOUR, f"{baseline} (n = {rows[0][1].postings})"))
    from matplotlib.patches import Patch

    axis.legend(
        handles=[Patch(color=colour, label=label) for colour, label in legend],
        loc="lower right",
        frameon=False,
        fontsize=8,
    )
    return _finish(chart, figure, marks)


def _lines(chart: Chart, series: dict[str, list[tuple[Any, Share]]]) -> Chart:
    """One line per series over months, with its Wilson band."""
    figure = _figure(3.4)
    axis = figure.add_subplot()
    axis.grid(axis="y", color="#eef0f3")
    marks = 0
    import matplotlib as mpl

    colours: Any = getattr(mpl.colormaps["tab10"], "colors", ["#1f5fa8"])  # a listed colormap
    for index, (label, points) in enumerate(series.items()):
        months = [month for month, _ in points]
        values = [share.value for _, share in points]
        colour = colours[index % len(colours)]
        axis.fill_between(
            months,
            [share.interval[0] for _, share in points],
            [share.interval[1] for _, share in points],
            color=colour,
            alpha=0.12,
            linewidth=0,
        )
        [line] = axis.plot(months, values, marker="o", markersize=3, color=colour, label=label)
        line.set_gid(f"mark-{chart.chart_id}-{marks}")
        marks += 1
    from matplotlib.ticker import PercentFormatter

    axis.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axis.set_ylim(0, 1)
    axis.legend(frameon=False, fontsize=7.5, ncols=2)
    figure.autofmt_xdate()
    return _finish(chart, figure, marks)


def _count_bars(
    chart: Chart,
    rows: list[tuple[str, int]],
    colour: str = ROLE_COLOUR,
    highlight: str | None = None,
) -> Chart:
    """Horizontal bars of counts, largest on top."""
    figure = _figure(0.32 * len(rows) + 1.0)
    axis = figure.add_subplot()
    marks = 0
    top = max(count for _, count in rows) or 1
    for index, (label, count) in enumerate(rows):
        y = len(rows) - 1 - index
        bar = axis.barh(y, count, height=0.6, color=MUTED if label == highlight else colour)
        bar.patches[0].set_gid(f"mark-{chart.chart_id}-{marks}")
        marks += 1
        axis.text(count + top * 0.01, y, f"{count:,}", va="center", fontsize=7.5)
    axis.set_yticks(range(len(rows)), [label for label, _ in reversed(rows)])
    axis.set_xlim(0, top * 1.12)
    axis.tick_params(axis="y", length=0)
    return _finish(chart, figure, marks)


# ---------------------------------------------------------------------------- the charts
def build_report(
    connection: duckdb.DuckDBPyConnection,
    role: str = "ml_engineer",
    baseline: str = "data_scientist",
    top_skills: int = 15,
) -> HtmlReport:
    """Every chart of the page, computed from the marts (raises UnknownRoleError first)."""
    check_roles(connection, role, baseline)
    if not _table_exists(connection, "marts", "dim_postings"):
        report = HtmlReport(role, baseline, 0, 0, "no postings")
        report.notes.append(
            "The warehouse has no marts yet: run `postings demo` or "
            "`postings nightly`, then write the report again."
        )
        return report
    counts = dict(
        connection.execute(
            "select role_family, count(*) from marts.dim_postings where role_family in (?, ?) "
            "group by role_family",
            [role, baseline],
        ).fetchall()
    )
    first, last = connection.execute(
        "select min(cast(coalesce(posted_at, first_seen_at) as date)), "
        "max(cast(coalesce(posted_at, first_seen_at) as date)) from marts.dim_postings"
    ).fetchone() or (None, None)
    date_range = f"{first} to {last}" if first else "no postings"
    report = HtmlReport(role, baseline, counts.get(role, 0), counts.get(baseline, 0), date_range)
    if not report.role_postings:
        report.notes.append(f"No {role} postings yet: every chart of the role is empty.")
    if not report.baseline_postings:
        report.notes.append(
            f"No {baseline} postings yet: the baseline is empty, so the charts show {role} alone."
        )
    span = f"{date_range}; bars: share of postings, lines: Wilson 95% interval"
    denominators = (
        f"denominator: {report.role_postings} {role} and "
        f"{report.baseline_postings} {baseline} postings"
    )

    theme_rows = connection.execute(
        """
        select theme_group, theme_name,
            coalesce(sum(mentioning_postings_count) filter (where role_family = $role), 0),
            coalesce(sum(postings_count) filter (where role_family = $role), 0),
            coalesce(sum(mentioning_postings_count) filter (where role_family = $baseline), 0),
            coalesce(sum(postings_count) filter (where role_family = $baseline), 0)
        from marts.agg_theme_share_monthly
        where role_family in ($role, $baseline)
        group by theme_group, theme_id, theme_name
        order by theme_group, 3 desc, 5 desc, theme_name
    """,
        {"role": role, "baseline": baseline},
    ).fetchall()
    for group, heading in THEME_GROUPS.items():
        chart = Chart(
            f"group-{group.replace('_', '-')}",
            heading,
            f"{denominators}; {span}.",
            "marts.agg_theme_share_monthly",
        )
        rows = [
            (Share(name, m, n), Share(name, bm, bn))
            for theme_group, name, m, n, bm, bn in theme_rows
            if theme_group == group
        ]
        if not report.role_postings or not rows:
            chart.missing = f"No {role} postings with {group.replace('_', ' ')} categories yet."
        else:
            _paired_bars(chart, rows, role, baseline)
        report.charts.append(chart)

    skill_rows = connection.execute(
        """
        select skill_name,
            coalesce(sum(mentioning_postings_count) filter (where role_family = $role), 0),
            coalesce(sum(postings_count) filter (where role_family = $role), 0),
            coalesce(sum(mentioning_postings_count) filter (where role_family = $baseline), 0),
            coalesce(sum(postings_count) filter (where role_family = $baseline), 0)
        from marts.agg_skill_share_monthly
        where role_family in ($role, $baseline)
        group by skill_id, skill_name
        having coalesce(sum(mentioning_postings_count) filter (where role_family = $role), 0) > 0
        order by 2 desc, 4 desc, skill_name
        limit $top
    """,
        {"role": role, "baseline": baseline, "top": top_skills},
    ).fetchall()
    chart = Chart(
        "top-skills",
        f"Top {top_skills} skills of {role} postings",
        f"{denominators}; {span}.",
        "marts.agg_skill_share_monthly",
    )
    if skill_rows:
        _paired_bars(
            chart,
            [(Share(name, m, n), Share(name, bm, bn)) for name, m, n, bm, bn in skill_rows],
            role,
            baseline,
        )
    else:
        chart.missing = f"No skill is matched in any {role} posting yet."
    report.charts.append(chart)

    by_theme = connection.execute(
        """
        with role_postings as (
            select posting_id from marts.dim_postings where role_family = $role
        ), themed as (
            select themes.theme_id, themes.theme_name, themes.posting_id
            from marts.fct_posting_themes as themes
            inner join role_postings on themes.posting_id = role_postings.posting_id
            where themes.theme_group = 'theme'
        ), ranked as (
            select themed.theme_name, skills.skill_name, count(*) as mentioning,
                (select count(*) from themed as inner_themed
                 where inner_themed.theme_id = themed.theme_id) as postings,
                row_number() over (partition by themed.theme_name
                                   order by count(*) desc, skills.skill_name) as skill_rank
            from themed
            inner join marts.fct_posting_skills as skills on themed.posting_id = skills.posting_id
            group by themed.theme_id, themed.theme_name, skills.skill_name
        )
        select theme_name, skill_name, mentioning, postings from ranked
        where skill_rank <= 6 order by theme_name, skill_rank
    """,
        {"role": role},
    ).fetchall()
    chart = Chart(
        "skills-by-theme",
        f"Skills that go with each theme ({role} postings)",
        f"denominator: the {role} postings that ask for the theme (n per panel); {span}.",
        "marts.fct_posting_themes joined to marts.fct_posting_skills",
    )
    if by_theme:
        _skills_by_theme(chart, by_theme)
    else:
        chart.missing = f"No {role} posting both asks for a theme and names a skill yet."
    report.charts.append(chart)

    industry_rows = connection.execute(
        """
        select industries.industry_bucket, count(*)
        from marts.dim_postings as postings
        inner join marts.fct_posting_industries as industries
            on postings.posting_id = industries.posting_id
        where postings.role_family = $role
        group by 1 order by 2 desc, 1
    """,
        {"role": role},
    ).fetchall()
    unknown = dict(industry_rows).get("unknown", 0)
    chart = Chart(
        "industries",
        f"Industries of {role} postings (the study's buckets)",
        f"denominator: {report.role_postings} {role} postings, "
        f"{unknown} of them ({unknown / max(report.role_postings, 1):.0%}) with an "
        f"unknown industry (grey); {date_range}.",
        "marts.fct_posting_industries",
    )
    if industry_rows:
        _count_bars(
            chart, [(bucket, count) for bucket, count in industry_rows], highlight="unknown"
        )
    else:
        chart.missing = f"No {role} postings with an industry yet."
    report.charts.append(chart)

    _trend_charts(connection, report, role, top_skills=5)
    _coverage_charts(connection, report)
    return report


def _skills_by_theme(chart: Chart, rows: list[tuple[str, str, int, int]]) -> Chart:
    themes = list(dict.fromkeys(theme for theme, *_ in rows))
    figure = _figure(1.8 * math.ceil(len(themes) / 2) + 0.4)
    panels = figure.subplots(math.ceil(len(themes) / 2), 2, squeeze=False)
    marks = 0
    for index, axis in enumerate(panels.flat):
        if index >= len(themes):
            axis.set_visible(False)
            continue
        theme = themes[index]
        shares = [Share(skill, m, n) for name, skill, m, n in rows if name == theme]
        for position, share in enumerate(reversed(shares)):
            bar = axis.barh(
                position,
                share.value,
                height=0.6,
                color=ROLE_COLOUR,
                alpha=0.45 if share.postings < SMALL_N else 0.9,
            )
            bar.patches[0].set_gid(f"mark-{chart.chart_id}-{marks}")
            marks += 1
            low, high = share.interval
            axis.errorbar(
                share.value,
                position,
                xerr=[[share.value - low], [high - share.value]],
                fmt="none",
                ecolor="#2b2f33",
                elinewidth=0.7,
                capsize=1.5,
            )
        axis.set_yticks(
            range(len(shares)), [share.label for share in reversed(shares)], fontsize=7.5
        )
        axis.set_xlim(0, 1)
        _percent_axis(axis)
        axis.tick_params(axis="y", length=0)
        axis.set_title(f"{theme} (n = {shares[0].postings})", fontsize=8.5, loc="left")
    return _finish(chart, figure, marks)


def _trend_charts(
    connection: duckdb.DuckDBPyConnection, report: HtmlReport, role: str, top_skills: int
) -> None:
    months = [
        row[0]
        for row in connection.execute(
            "select distinct posting_month from marts.agg_theme_share_monthly "
            "where role_family = ? order by 1",
            [role],
        ).fetchall()
    ]
    theme_chart = Chart(
        "trend-themes",
        f"The four themes by month ({role} postings)",
        f"denominator: {role} postings of each month; {report.date_range}; "
        "bands: Wilson 95% interval.",
        "marts.agg_theme_share_monthly",
    )
    skill_chart = Chart(
        "trend-skills",
        f"Top {top_skills} skills by month ({role} postings)",
        theme_chart.caption,
        "marts.agg_skill_share_monthly",
    )
    if len(months) < 2:
        reason = (
            f"Trends need at least two months of {role} postings; the warehouse has {len(months)}."
        )
        theme_chart.missing = skill_chart.missing = reason
        report.charts += [theme_chart, skill_chart]
        return
    theme_rows = connection.execute(
        """
        select theme_name, posting_month, sum(mentioning_postings_count), sum(postings_count)
        from marts.agg_theme_share_monthly where role_family = ? and theme_group = 'theme'
        group by theme_name, posting_month order by theme_name, posting_month
    """,
        [role],
    ).fetchall()
    skill_rows = connection.execute(
        """
        with top_skills as (
            select skill_id from marts.agg_skill_share_monthly where role_family = $role
            group by skill_id order by sum(mentioning_postings_count) desc, skill_id limit $top
        )
        select skill_name, posting_month, sum(mentioning_postings_count), sum(postings_count)
        from marts.agg_skill_share_monthly
        where role_family = $role and skill_id in (select skill_id from top_skills)
        group by skill_name, posting_month order by skill_name, posting_month
    """,
        {"role": role, "top": top_skills},
    ).fetchall()
    for chart, rows in ((theme_chart, theme_rows), (skill_chart, skill_rows)):
        series: dict[str, list[tuple[Any, Share]]] = {}
        for label, month, mentioning, postings in rows:
            series.setdefault(label, []).append((month, Share(label, mentioning, postings)))
        _lines(chart, series)
        report.charts.append(chart)


def _coverage_charts(connection: duckdb.DuckDBPyConnection, report: HtmlReport) -> None:
    per_source = Chart(
        "coverage-sources",
        "Postings per source",
        f"all postings of the warehouse, every role; {report.date_range}.",
        "marts.dim_postings",
    )
    rows = connection.execute(
        "select source, count(*) from marts.dim_postings group by 1 order by 2 desc, 1"
    ).fetchall()
    if rows:
        _count_bars(per_source, rows, colour="#4b6f8c")
    else:
        per_source.missing = "The warehouse has no postings yet."
    report.charts.append(per_source)

    per_night = Chart(
        "coverage-nights",
        "Postings seen per night",
        "postings seen by every source's crawls of each night (all sources).",
        "marts.source_health",
    )
    rows = (
        connection.execute("""
        select cast(crawl_date as varchar), sum(postings_seen), bool_or(is_anomalous)
        from marts.source_health group by crawl_date order by crawl_date
    """).fetchall()
        if _table_exists(connection, "marts", "source_health")
        else []
    )
    if rows:
        per_night.caption += (
            " Nights with an anomalous source are grey." if any(flag for *_, flag in rows) else ""
        )
        _count_bars(
            per_night, [(night, int(seen or 0)) for night, seen, _ in rows], colour="#4b6f8c"
        )
    else:
        per_night.missing = "No crawl night is recorded yet (marts.source_health is empty)."
    report.charts.append(per_night)


# ---------------------------------------------------------------------------- the page
_STYLE = """
body{margin:0;background:#f6f7f9;color:#1d2125;font:15px/1.5 system-ui,-apple-system,
"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
main{max-width:1040px;margin:0 auto;padding:32px 24px 64px}
header h1{font-size:28px;margin:0 0 4px} header p{margin:4px 0;color:#4a525b}
.keyfigures{display:flex;gap:16px;margin:20px 0}
.keyfigures div{background:#fff;border-radius:8px;padding:12px 18px;box-shadow:0 1px 2px #0001}
.keyfigures b{display:block;font-size:24px}
.note{background:#fff4e0;border-left:4px solid #e08a2c;padding:8px 14px;margin:8px 0}
figure.chart{background:#fff;border-radius:10px;margin:22px 0;padding:18px 22px;
box-shadow:0 1px 3px #0002}
figure.chart h2{font-size:18px;margin:0 0 2px} figure.chart svg{width:100%;height:auto}
figcaption{color:#4a525b;font-size:13px} figcaption code{background:#eef0f3;padding:0 4px}
.missing{color:#8a4b0a;font-style:italic;padding:16px 0}
footer{color:#6a737d;font-size:12px;margin-top:32px}
"""


def render_html(report: HtmlReport, generated_at: datetime | None = None) -> str:
    """The page: inline styles and SVG only, nothing fetched when it is opened."""
    stamp = (generated_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    escape = html.escape
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # No request may leave the file: the policy forbids anything but inline content.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">",
        f"<title>What employers ask of {escape(report.role)}: the study</title>",
        f"<style>{_STYLE}</style></head><body><main>",
        "<header>",
        f"<h1>What employers ask of {escape(report.role.replace('_', ' '))}s</h1>",
        f"<p>The study's figures redrawn from the warehouse: {escape(report.role)} against "
        f"{escape(report.baseline)}, postings dated {escape(report.date_range)}. Bars are the "
        "share of postings that mention each category; black lines are Wilson 95% intervals; "
        f"hatched, pale bars stand on fewer than {SMALL_N} postings.</p>",
        '<div class="keyfigures">',
        f"<div><b>{report.role_postings:,}</b>{escape(report.role)} postings</div>",
        f"<div><b>{report.baseline_postings:,}</b>{escape(report.baseline)} postings</div>",
        f"<div><b>{sum(1 for chart in report.charts if not chart.missing)}</b>charts drawn</div>",
        "</div>",
        *(f'<p class="note">{escape(note)}</p>' for note in report.notes),
        "</header>",
    ]
    for chart in report.charts:
        marks = "" if chart.missing else f' data-marks="{chart.marks}"'
        parts.append(
            f'<figure class="chart" id="{chart.chart_id}"{marks}><h2>{escape(chart.title)}</h2>'
        )
        if chart.missing:
            parts.append(f'<p class="missing">{escape(chart.missing)}</p>')
        else:
            parts.append(chart.svg)
        parts.append(
            f"<figcaption>{escape(chart.caption)} Source: "
            f"<code>{escape(chart.source)}</code>.</figcaption></figure>"
        )
    parts += [
        f"<footer>Generated {stamp} by <code>postings report --html</code>. "
        "Shares are re-aggregated as sum(mentioning) / sum(postings) over months, "
        "industries and sources.</footer>",
        "</main></body></html>",
    ]
    return "\n".join(parts)


def write_report(
    database: Target,
    html: Path | None = None,
    png_dir: Path | None = None,
    role: str = "ml_engineer",
    baseline: str = "data_scientist",
) -> tuple[HtmlReport, list[Path]]:
    """Draw the report of the warehouse at ``database`` (opened read-only) once, and write it as
    the page ``html`` and/or as ``<chart>.png`` files in ``png_dir``; the report and the PNG
    files written."""
    with open_published(database) as connection:
        report = build_report(connection, role, baseline)
    if html is not None:
        html.parent.mkdir(parents=True, exist_ok=True)
        html.write_text(render_html(report), encoding="utf-8")
        logger.info("Wrote the HTML report to %s (%d bytes)", html, html.stat().st_size)
    written = []
    if png_dir is not None:
        png_dir.mkdir(parents=True, exist_ok=True)
        for chart in report.charts:
            if not chart.missing:
                target = png_dir / f"{chart.chart_id}.png"
                target.write_bytes(chart.png())
                written.append(target)
    return report, written


def write_html(
    database: Target, path: Path, role: str = "ml_engineer", baseline: str = "data_scientist"
) -> HtmlReport:
    """Write the page for the warehouse at ``database`` to ``path``."""
    return write_report(database, html=path, role=role, baseline=baseline)[0]
