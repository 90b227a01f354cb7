"""The study's HTML report: written by `make demo`, drawn in a real browser, honest when empty.

The browser is Debian's chromium (`make test` installs it), driven by Playwright without any
browser download. The page must open from the file with no request leaving it, no console error,
and every chart drawn with the number of marks its figure announces.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from warehouse.cli import app
from warehouse.config import get_settings
from warehouse.report_html import UnknownRoleError, build_report, render_html

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: Every chart the study asks for, by figure id.
CHARTS = {
    "group-theme",
    "group-activity",
    "group-way-of-working",
    "group-organisation",
    "top-skills",
    "skills-by-theme",
    "industries",
    "trend-themes",
    "trend-skills",
    "coverage-sources",
    "coverage-nights",
}


def invoke(database: Path, *arguments: str) -> tuple[int, str]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("POSTINGS_DB", str(database))
        get_settings.cache_clear()
        result = CliRunner().invoke(app, list(arguments))
        get_settings.cache_clear()
    return result.exit_code, result.output


def test_the_demo_writes_the_report_and_says_where(demo):
    path = demo.data_dir / "report.html"

    assert path.is_file()
    assert str(path.resolve()) in demo.output
    page = path.read_text(encoding="utf-8")
    assert path.stat().st_size < 5 * 1024 * 1024  # small enough to mail
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing fetched
    assert {f'id="{chart}"' for chart in CHARTS} <= set(re.findall(r'id="[a-z-]+"', page))


def test_the_report_draws_every_chart_in_a_real_browser(demo, tmp_path):
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).is_file(), "chromium is missing: `make test` installs it (apt)"
    path = (demo.data_dir / "report.html").resolve()
    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.on("console", lambda m: m.type == "error" and errors.append(m.text))
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("request", lambda r: r.url != path.as_uri() and requests.append(r.url))
            page.goto(path.as_uri(), wait_until="load")
            figures = page.eval_on_selector_all(
                "figure.chart",
                """figures => figures.map(f => ({
                    id: f.id,
                    announced: f.dataset.marks === undefined ? null : Number(f.dataset.marks),
                    marks: f.querySelectorAll(`svg [id^="mark-${f.id}-"]`).length,
                    width: f.querySelector('svg')?.getBoundingClientRect().width ?? 0,
                    missing: f.querySelector('.missing')?.textContent ?? null,
                }))""",
            )
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        finally:
            browser.close()

    assert errors == []
    assert requests == []  # no request leaves the file
    assert {figure["id"] for figure in figures} == CHARTS
    not_drawn = [figure for figure in figures if figure["missing"] or not figure["marks"]]
    assert not_drawn == []  # the demo has data for every chart
    for figure in figures:
        assert figure["marks"] == figure["announced"] > 0, figure
        assert figure["width"] > 300, figure
    assert (tmp_path / "report.png").stat().st_size > 50_000


def test_png_writes_every_drawn_chart(demo, tmp_path):
    code, output = invoke(demo.database, "report", "--png", str(tmp_path / "charts"))

    assert code == 0, output
    written = sorted(path.stem for path in (tmp_path / "charts").glob("*.png"))
    assert set(written) == CHARTS
    assert all(
        path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for path in (tmp_path / "charts").iterdir()
    )


def test_every_chart_states_its_denominator_dates_and_source(demo):
    with duckdb.connect(str(demo.database), read_only=True) as connection:
        report = build_report(connection)

    for chart in report.charts:
        assert "denominator" in chart.caption or "postings" in chart.caption, chart.chart_id
        assert chart.source.startswith("marts."), chart.chart_id
    assert report.date_range in report.charts[0].caption
    assert report.role_postings > 0
    assert report.baseline_postings > 0


def test_an_unknown_role_is_a_clear_error_listing_the_known_ones(demo):
    code, output = invoke(demo.database, "report", "--html", "x.html", "--baseline", "wizard")

    assert code == 2
    assert "unknown role family 'wizard'" in output
    assert "data_scientist" in output
    assert "ml_engineer" in output
    with (
        duckdb.connect(str(demo.database), read_only=True) as connection,
        pytest.raises(UnknownRoleError),
    ):
        build_report(connection, role="astronaut")


def test_an_empty_warehouse_writes_a_page_that_says_what_is_missing(tmp_path):
    database = tmp_path / "empty.duckdb"
    duckdb.connect(str(database)).close()

    code, output = invoke(database, "report", "--html", str(tmp_path / "empty.html"))

    assert code == 0, output
    page = (tmp_path / "empty.html").read_text(encoding="utf-8")
    assert "no marts yet" in page
    assert "<svg" not in page  # no empty axes


def test_a_tiny_warehouse_says_the_baseline_is_empty(demo, tmp_path):
    tiny = tmp_path / "tiny.duckdb"
    shutil.copyfile(demo.database, tiny)
    with duckdb.connect(str(tiny)) as connection:
        connection.execute("delete from marts.dim_postings where role_family = 'data_scientist'")
        connection.execute(
            "delete from marts.agg_theme_share_monthly where role_family = 'data_scientist'"
        )
        connection.execute(
            "delete from marts.agg_skill_share_monthly where role_family = 'data_scientist'"
        )
        report = build_report(connection)
    page = render_html(report)

    assert "No data_scientist postings yet: the baseline is empty" in page
    assert report.baseline_postings == 0
    assert report.drawn > 0  # the role's own charts still draw
