"""The ``postings`` command: crawl, load, transform, nightly, demo, query, report, docs.

Global options ``--db`` and ``--data-dir`` are exported as ``POSTINGS_DB`` and
``POSTINGS_DATA_DIR`` before anything reads the settings, so the crawler child process and dbt
see the same values. Every run that crawls or loads ends with a per-source summary.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from warehouse.config import Settings, get_settings

if TYPE_CHECKING:
    from warehouse.lakehouse import Target

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Scrape public job postings into DuckDB and build the marts with dbt.",
)
logger = logging.getLogger(__name__)

SourcesOption = Annotated[
    Path | None,
    typer.Option("--sources", "-s", help="Sources file (YAML); default: sources.yml of the repo."),
]


def setup_logging(level: int | str) -> None:
    """One root handler with the level set on the handler (Scrapy sets its logger to DEBUG)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(level)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S")
    )
    root.addHandler(handler)
    root.setLevel(level)


@app.callback()
def main(
    db: Annotated[
        Path | None,
        typer.Option("--db", help="DuckDB file (env POSTINGS_DB, default data/warehouse.duckdb)."),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            help="Landing files and data (env POSTINGS_DATA_DIR, default data/).",
        ),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log at DEBUG level.")] = False,
) -> None:
    """Configure settings and logging once, before any command runs."""
    if db is not None:
        os.environ["POSTINGS_DB"] = str(db)
    if data_dir is not None:
        os.environ["POSTINGS_DATA_DIR"] = str(data_dir)
    get_settings.cache_clear()
    setup_logging(logging.DEBUG if verbose else get_settings().log_level)


# ---------------------------------------------------------------------------- output helpers
def echo_run(manifest: dict[str, Any]) -> None:
    """Progress: one line per source run as it ends."""
    typer.echo(
        f"  crawled {manifest['source_key']:<40} {manifest['status']:<9} "
        f"{manifest.get('postings', 0):>6} postings {manifest.get('errors', 0):>4} errors",
        err=True,
    )


def echo_summary(lines: list[Any]) -> None:
    """The per-source summary every crawl or load ends with."""
    if not lines:
        typer.echo("No source runs.")
        return
    width = max(len("source"), *(len(line.source_key) for line in lines))
    typer.echo(
        f"\n{'source':<{width}}  {'status':<11} {'requests':>8} {'postings':>8} "
        f"{'new':>6} {'errors':>6}"
    )
    for line in lines:
        new = "-" if line.new_versions is None else str(line.new_versions)
        typer.echo(
            f"{line.source_key:<{width}}  {line.status:<11} {line.requests:>8} "
            f"{line.postings:>8} {new:>6} {line.errors:>6}"
        )
        if line.message and line.status not in ("succeeded", "empty"):
            typer.echo(f"{'':<{width}}    -> {line.message[:160]}")
    totals = (
        sum(line.requests for line in lines),
        sum(line.postings for line in lines),
        sum(line.errors for line in lines),
    )
    statuses = ", ".join(
        f"{sum(1 for line in lines if line.status == status)} {status}"
        for status in sorted({line.status for line in lines})
    )
    typer.echo(
        f"{'total':<{width}}  {'':<11} {totals[0]:>8} {totals[1]:>8} {'':>6} "
        f"{totals[2]:>6}   ({statuses})"
    )


def load_progress(position: int, total: int, run: Any) -> None:
    """Progress: one line per run loaded (or failed); runs loaded before are not listed."""
    if run.skipped:
        return
    state = "skipped (already loaded)" if run.skipped else ("FAILED" if run.error else "loaded")
    typer.echo(
        f"  [{position}/{total}] {run.source_key:<40} {state} "
        f"{run.new_versions} new versions, {run.sightings} sightings",
        err=True,
    )


def resolve_sources(sources: Path | None, settings: Settings) -> Path:
    """The sources file to use."""
    return sources if sources is not None else settings.sources


# ---------------------------------------------------------------------------- steps
def run_crawl(
    settings: Settings,
    sources_file: Path,
    substitutions: dict[str, str] | None = None,
    only: list[str] | None = None,
) -> Any:
    from scrapers.frontier import FrontierError
    from scrapers.sources import SourceConfigError
    from warehouse.pipeline import crawl as crawl_sources

    typer.echo(f"Crawling sources of {sources_file} ...", err=True)
    try:
        return crawl_sources(
            settings,
            sources_file,
            substitutions,
            only,
            on_run=echo_run,
            log_level="DEBUG" if logging.getLogger().level <= logging.DEBUG else "WARNING",
        )
    except (SourceConfigError, FrontierError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error


def run_load(settings: Settings, build: Target, manifests: list[Path] | None = None) -> Any:
    from warehouse.load import load as load_landing

    typer.echo(f"Loading landing files of {settings.landing_dir} ...", err=True)
    return load_landing(
        build,
        settings.landing_dir,
        manifests,
        progress=load_progress,
        memory_limit=settings.memory_limit,
    )


def run_transform(settings: Settings, build: Target, full_refresh: bool = False) -> bool:
    from warehouse.pipeline import transform as dbt_transform

    typer.echo("Building the dbt project ...", err=True)
    # None: incremental, unless the project changed since the last build.
    return dbt_transform(settings, build, "build", full_refresh=True if full_refresh else None)


FullRefreshOption = Annotated[
    bool,
    typer.Option(
        "--full-refresh",
        help="Rebuild every model from raw instead of adding what is new "
        "(done by itself when the dbt project changed since the last build).",
    ),
]


#: The exit code of a command that stopped because the disk is full.
DISK_FULL_EXIT = 4


@contextlib.contextmanager
def building(settings: Settings) -> Iterator[Target]:
    """The private build copy of the warehouse, under the build lock (see warehouse.publish).

    A DuckLake has no build copy: the night writes into it, and readers see it once published
    (``warehouse.lakehouse``).
    """
    from scrapers.landing import describe_os_error, is_disk_full, remove_abandoned
    from warehouse.lakehouse import LakehouseError
    from warehouse.lakehouse import building as lake_lock
    from warehouse.publish import WarehouseBusyError
    from warehouse.publish import building as build_lock

    try:
        lake = settings.lakehouse()
        with lake_lock(lake) if lake is not None else build_lock(settings.db) as build:
            remove_abandoned(settings.landing_dir)
            yield build
    except LakehouseError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    except WarehouseBusyError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(3) from error
    except Exception as error:
        if written_by_newer_duckdb(error):
            typer.echo(
                f"error: {settings.db} was written by a newer DuckDB than this release's "
                f"({error}). Rebuild it from the landing files with `postings rebuild` (the "
                "old file is kept beside it).",
                err=True,
            )
            raise typer.Exit(5) from error
        if not is_disk_full(error):
            raise
        typer.echo(
            f"error: {describe_os_error(error)}. The published warehouse "
            f"{settings.db} was left as it was; what was crawled is kept and is loaded "
            "by the next run.",
            err=True,
        )
        raise typer.Exit(DISK_FULL_EXIT) from error


def written_by_newer_duckdb(error: BaseException) -> bool:
    """True when DuckDB refused a file a newer release wrote (2.0 files under 1.5)."""
    return "database file with version number" in str(error)


def set_aside(database: Path) -> Path | None:
    """Move a warehouse file, its WAL and its build copy aside; returns where the file went."""
    from datetime import UTC, datetime

    from warehouse.publish import build_path

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = database.with_name(f"{database.name}.before-rebuild-{stamp}")
    moved = None
    if database.exists():
        database.replace(kept)
        moved = kept
    for stale in (database.with_name(database.name + ".wal"), build_path(database)):
        stale.unlink(missing_ok=True)
    build_path(database).with_name(build_path(database).name + ".wal").unlink(missing_ok=True)
    return moved


def publish(build: Target, settings: Settings) -> None:
    """Publish the build copy as the warehouse analysts open (a lake: its newest snapshot)."""
    from warehouse.lakehouse import Lakehouse
    from warehouse.lakehouse import publish as publish_lake
    from warehouse.publish import publish as publish_build

    if isinstance(build, Lakehouse):
        snapshot = publish_lake(build)
        typer.echo(f"Published snapshot {snapshot} of {build.name}", err=True)
        return
    publish_build(build, settings.db)
    typer.echo(f"Published the warehouse to {settings.db}", err=True)


def finish(crawl_result: Any, load_report: Any, transformed: bool | None) -> int:
    """Print the summary and decide the exit code of a crawl/load/transform run."""
    from warehouse.pipeline import summarise

    echo_summary(summarise(crawl_result, load_report))
    code = 0
    if crawl_result is not None and crawl_result.manifests and not crawl_result.anything_crawled:
        typer.echo("error: nothing at all could be crawled", err=True)
        code = 2
    if crawl_result is not None and not crawl_result.manifests:
        typer.echo("error: the crawler reported no runs", err=True)
        code = 2
    if load_report is not None and load_report.failed:
        typer.echo(f"error: {len(load_report.failed)} run(s) failed to load", err=True)
        code = 1
    if transformed is False:
        typer.echo("error: dbt build failed; the published warehouse was left as it was", err=True)
        code = 1
    return code


FrontierOption = Annotated[
    str | None,
    typer.Option(
        "--frontier",
        help="Share the crawl on Redis, redis://HOST:PORT/DB (env POSTINGS_FRONTIER): "
        "`postings worker` processes on any machine drain it.",
    ),
]
WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers",
        min=0,
        help="Workers to start on this machine with --frontier "
        "(env POSTINGS_FRONTIER_WORKERS, default 1; 0: only coordinate).",
    ),
]


def use_frontier(frontier: str | None, workers: int | None) -> Settings:
    """The settings with the frontier options exported (the workers see the same values).

    A frontier that cannot be reached is one error naming it (exit code 2), before anything
    is planned or crawled.
    """
    if frontier is not None:
        os.environ["POSTINGS_FRONTIER"] = frontier
    if workers is not None:
        os.environ["POSTINGS_FRONTIER_WORKERS"] = str(workers)
    get_settings.cache_clear()
    settings = get_settings()
    if settings.frontier:
        from scrapers.frontier import Frontier, FrontierError

        try:
            Frontier.connect(settings.frontier).close()
        except FrontierError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(2) from error
    return settings


# ---------------------------------------------------------------------------- commands
@app.command()
def crawl(
    sources: SourcesOption = None,
    only: Annotated[
        list[str] | None, typer.Option("--only", help="Crawl only this source key (repeatable).")
    ] = None,
    frontier: FrontierOption = None,
    workers: WorkersOption = None,
) -> None:
    """Crawl the sources into landing files (one per source run) under <data-dir>/landing."""
    settings = use_frontier(frontier, workers)
    result = run_crawl(settings, resolve_sources(sources, settings), only=only)
    raise typer.Exit(finish(result, None, None))


@app.command()
def load() -> None:
    """Load every finished landing file not yet loaded into the raw schema, then publish."""
    settings = get_settings()
    with building(settings) as build:
        report = run_load(settings, build)
        publish(build, settings)
    raise typer.Exit(finish(None, report, None))


@app.command()
def transform(full_refresh: FullRefreshOption = False) -> None:
    """Build and test the dbt project (staging, intermediate, marts); publish if it passed."""
    settings = get_settings()
    with building(settings) as build:
        ok = run_transform(settings, build, full_refresh)
        if ok:
            publish(build, settings)
    raise typer.Exit(0 if ok else 1)


@app.command()
def rebuild() -> None:
    """Rebuild the warehouse from every landing file: raw, then every model, then publish.

    For a warehouse file this release's DuckDB cannot open (one written by DuckDB 2.0), or one
    lost: the landing files are the append-only record of every crawl, so loading them all in
    order gives the same raw history (the scheduler's past decisions, which only the warehouse
    kept, start again from tonight). The old file is moved aside, not deleted. A DuckLake is
    loaded in place (runs already in it are skipped) and built in full.
    """
    settings = get_settings()
    if settings.lakehouse() is None:
        kept = set_aside(settings.db)
        if kept is not None:
            typer.echo(f"Moved the old warehouse to {kept}", err=True)
    with building(settings) as build:
        report = run_load(settings, build)
        transformed = run_transform(settings, build, full_refresh=True)
        if transformed:
            publish(build, settings)
    raise typer.Exit(finish(None, report, transformed))


def plan_night(
    build: Target, sources_file: Path, substitutions: dict[str, str] | None, night: Any
) -> tuple[list[Any], list[str] | None]:
    """Tonight's decisions and the keys to crawl (None: every source is due)."""
    from scrapers.sources import SourceConfigError, load_sources
    from warehouse.schedule import plan, summary

    try:
        entries = load_sources(sources_file, substitutions)
    except SourceConfigError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    decisions = plan(build, entries, night)
    typer.echo(summary(decisions), err=True)
    due = [decision.source_key for decision in decisions if decision.due]
    return decisions, None if len(due) == len(decisions) else due


def crawl_due(
    settings: Settings,
    sources_file: Path,
    substitutions: dict[str, str] | None,
    only: list[str] | None,
) -> Any:
    """Crawl tonight's due sources; None when none is due (no crawler is started, no error)."""
    if only is not None and not only:
        typer.echo("No source is due tonight: nothing to crawl.", err=True)
        return None
    return run_crawl(settings, sources_file, substitutions, only)


def crawl_load_transform(
    settings: Settings,
    sources_file: Path,
    substitutions: dict[str, str] | None = None,
    replay: Any = None,
    full_refresh: bool = False,
) -> int:
    """The main job: crawl, load, build, and publish only what built; returns the exit code.

    Only the sources due tonight are crawled (each entry's ``schedule`` and its history:
    ``scrapers.schedule``); every decision is recorded with the night's load.
    """
    from datetime import UTC, datetime

    with building(settings) as build:
        night = datetime.now(UTC)
        if replay is not None:
            with replay as server:
                typer.echo(f"Replaying the bundled recording on {server.base_url}", err=True)
                substitutions = {"replay": server.base_url}
                decisions, only = plan_night(build, sources_file, substitutions, night)
                result = crawl_due(settings, sources_file, substitutions, only)
        else:
            decisions, only = plan_night(build, sources_file, substitutions, night)
            result = crawl_due(settings, sources_file, substitutions, only)
        # Every landed run not loaded yet, not only tonight's: a night that failed after its
        # crawl (a full disk, a crash) leaves runs that this one loads.
        report = run_load(settings, build)
        from warehouse.schedule import record as record_decisions

        record_decisions(build, decisions, night)
        loaded_anything = any(not run.skipped and not run.error for run in report.runs)
        # A night with nothing due still builds and publishes: source_health shows tonight's
        # decisions (which boards waited, and why) instead of last night's.
        transformed = (
            run_transform(settings, build, full_refresh)
            if (result is not None and result.manifests) or loaded_anything or decisions
            else None
        )
        if transformed:
            publish(build, settings)
    return finish(result, report, transformed)


@app.command()
def nightly(
    sources: SourcesOption = None,
    full_refresh: FullRefreshOption = False,
    frontier: FrontierOption = None,
    workers: WorkersOption = None,
) -> None:
    """Crawl, load and transform: the job to run every night (never uses the recording)."""
    settings = use_frontier(frontier, workers)
    raise typer.Exit(
        crawl_load_transform(
            settings, resolve_sources(sources, settings), full_refresh=full_refresh
        )
    )


@app.command()
def worker(
    frontier: FrontierOption = None,
    night: Annotated[
        str | None,
        typer.Option("--night", help="The night's id; default: the one enqueued last."),
    ] = None,
    parallel: Annotated[
        int | None,
        typer.Option(
            "--parallel", min=1, help="Sources at a time (env POSTINGS_PARALLEL_SOURCES)."
        ),
    ] = None,
) -> None:
    """Crawl sources of a shared frontier until its night is drained (with any other workers).

    Landing files go to <data-dir>/landing, which must be the landing directory the
    coordinator (`postings crawl --frontier` or `nightly --frontier`) loads from.
    """
    from scrapers.worker import run_worker

    settings = get_settings()
    url = frontier or settings.frontier
    if not url:
        typer.echo("error: give --frontier redis://HOST:PORT/DB (or POSTINGS_FRONTIER)", err=True)
        raise typer.Exit(2)
    raise typer.Exit(
        run_worker(
            url,
            night,
            settings.landing_dir.expanduser().resolve(),
            parallel or settings.parallel_sources,
            settings.frontier_lease_seconds,
        )
    )


@app.command()
def demo() -> None:
    """Run the whole main job on the bundled recording of real responses, served on 127.0.0.1."""
    from warehouse.replay import RECORDING_DIR, ReplayServer, load_routes

    settings = get_settings()
    code = crawl_load_transform(
        settings, RECORDING_DIR / "sources.yml", replay=ReplayServer(load_routes(RECORDING_DIR))
    )
    if code == 0:
        describe_warehouse(settings)
        write_demo_report(settings)
    raise typer.Exit(code)


def write_demo_report(settings: Settings) -> Path:
    """Write the study's HTML report of the warehouse beside it and say where it is."""
    from warehouse.report_html import write_html

    path = settings.data_dir / "report.html"
    drawn = write_html(settings.public_warehouse(), path)
    typer.echo(f"The study's report ({drawn.drawn} charts): {path.resolve()}")
    return path


class EvalSplit(StrEnum):
    """What ``postings eval --split`` scores (``warehouse.evaluation.SPLIT_CHOICES``)."""

    TUNE = "tune"
    TEST = "test"
    ALL = "all"


@app.command("eval")
def evaluate(
    warehouse: Annotated[
        Path | None,
        typer.Option(
            "--warehouse",
            help="Score this warehouse, already built from the bundled recording, "
            "instead of building a scratch one (faster while tuning).",
        ),
    ] = None,
    labels: Annotated[
        Path | None,
        typer.Option("--labels", help="Hand labels (JSON lines); default: eval/labels.jsonl."),
    ] = None,
    keep: Annotated[
        Path | None,
        typer.Option("--keep", help="Build the scratch warehouse in this folder and keep it."),
    ] = None,
    split: Annotated[
        EvalSplit,
        typer.Option(
            "--split",
            help="Score only this split (scores and confusions): 'tune' while tuning, so the "
            "held-aside test split stays unseen; 'all' shows every split and both together.",
        ),
    ] = EvalSplit.ALL,
    without_known_companies: Annotated[
        bool,
        typer.Option(
            "--without-known-companies",
            help="Build with the known-company seed (company_industries) left out, so the "
            "industry comes from text evidence and name cues alone, as for a new employer.",
        ),
    ] = False,
) -> None:
    """Score role family, industry, skills and themes against the hand labels (95% intervals).

    Builds a warehouse from the bundled recording through the real pipeline (replayed crawl,
    load, dbt build) in a scratch folder, then compares its marts with eval/labels.jsonl.
    """
    import tempfile

    from warehouse.evaluation import (
        LABELS_FILE,
        LabelError,
        format_reports,
        read_labels,
        read_predictions,
    )
    from warehouse.evaluation import evaluate as score

    try:
        rows = read_labels(labels or LABELS_FILE)
    except (OSError, LabelError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    with contextlib.ExitStack() as stack:
        if warehouse is None:
            from warehouse.replay import RECORDING_DIR, ReplayServer, load_routes

            folder = keep or Path(
                stack.enter_context(tempfile.TemporaryDirectory(prefix="postings-eval-"))
            )
            settings = get_settings().model_copy(
                update={
                    "data_dir": folder / "data",
                    "db": folder / "data" / "warehouse.duckdb",
                    "industry_known_companies": not without_known_companies,
                }
            )
            code = crawl_load_transform(
                settings,
                RECORDING_DIR / "sources.yml",
                replay=ReplayServer(load_routes(RECORDING_DIR)),
                full_refresh=True,
            )
            if code != 0:
                typer.echo("error: the evaluation warehouse did not build", err=True)
                raise typer.Exit(code)
            warehouse = settings.db
        elif without_known_companies:
            typer.echo(
                "error: --without-known-companies builds a scratch warehouse; "
                "it cannot score one given with --warehouse",
                err=True,
            )
            raise typer.Exit(2)
        if not warehouse.exists():
            typer.echo(f"error: no warehouse at {warehouse}", err=True)
            raise typer.Exit(2)
        predictions = read_predictions(warehouse, (row["posting_id"] for row in rows))
    if split is EvalSplit.ALL:
        scope = f"{sum(row['split'] == 'test' for row in rows)} in the test split"
    else:
        scored = sum(row["split"] == split.value for row in rows)
        scope = f"scoring the {scored} of the {split.value} split"
    if without_known_companies:
        scope += "; industry without the known-company seed"
    typer.echo(f"\nHand labels: {len(rows)} postings of the bundled recording ({scope})\n")
    typer.echo(format_reports(score(rows, predictions, split=split.value)))


def describe_warehouse(settings: Settings) -> None:
    """Print what the warehouse holds: row counts of every mart."""
    from warehouse.lakehouse import Lakehouse, open_published

    target = settings.public_warehouse()
    with open_published(target) as connection:
        tables = connection.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = current_database() "
            "and table_schema in ('raw', 'marts') order by 1, 2"
        ).fetchall()
        name = target.name if isinstance(target, Lakehouse) else target
        typer.echo(f"\nWarehouse {name}:")
        for schema, table in tables:
            count = connection.execute(
                f'select count(*) from "{schema}"."{table}"'
            ).fetchone()  # names from the catalog
            typer.echo(f"  {schema}.{table:<32} {count[0] if count else 0:>8} rows")
    typer.echo(
        "\nQuery it:  .venv/bin/postings query "
        '"select source, count(*) from marts.dim_postings group by 1"'
    )


#: How ``postings query`` opens the warehouse: nothing outside the file, settings locked. A query
#: is an analyst's text: it may read the marts, but not ``copy ... to`` a path, ``attach`` another
#: database for writing, ``install`` an extension or ``read_text('/etc/shadow')``.
QUERY_CONFIG: dict[str, Any] = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "lock_configuration": True,
}


def open_for_query(database: Target) -> Any:
    """A read-only connection to ``database`` that cannot reach other files or change settings.

    A DuckLake is read at its published snapshot, locked down right after the attach.
    """
    import duckdb

    from warehouse.lakehouse import Lakehouse, connect_published, lock_down

    if isinstance(database, Lakehouse):
        connection = connect_published(database)
        lock_down(connection, database)
        return connection
    return duckdb.connect(str(database), read_only=True, config=dict(QUERY_CONFIG))


def warehouse_missing(settings: Settings) -> str | None:
    """Why there is nothing to read yet (no file, or a lake with nothing published), or None."""
    from warehouse.lakehouse import LakehouseError, published_snapshot

    lake = settings.lakehouse()
    if lake is None:
        if settings.db.exists():
            return None
        return f"no warehouse at {settings.db} (run `make demo` or `postings nightly`)"
    try:
        if published_snapshot(lake) is not None:
            return None
    except LakehouseError as error:
        return str(error)
    return f"nothing was published in {lake.name} yet (run `postings nightly`)"


@app.command()
def query(
    sql: Annotated[
        str | None, typer.Argument(help="A SQL query, e.g. 'select * from marts.dim_postings'.")
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file", "-f", help="Run the SQL of this file instead, e.g. queries/01_*.sql."
        ),
    ] = None,
    limit: Annotated[int, typer.Option(help="Rows to show at most.")] = 50,
) -> None:
    """Run a read-only SQL query (or a query file) on the warehouse and print the result."""
    import duckdb

    if (sql is None) == (file is None):
        typer.echo("error: give either a SQL query or --file", err=True)
        raise typer.Exit(2)
    if file is not None:
        if not file.is_file():
            typer.echo(f"error: no query file {file}", err=True)
            raise typer.Exit(2)
        sql = file.read_text(encoding="utf-8")
    assert sql is not None
    settings = get_settings()
    missing = warehouse_missing(settings)
    if missing is not None:
        typer.echo(f"error: {missing}", err=True)
        raise typer.Exit(2)
    with open_for_query(settings.public_warehouse()) as connection:
        try:
            relation = connection.sql(sql)
        except duckdb.PermissionException as error:
            typer.echo(
                "error: `postings query` only reads the warehouse; it cannot read or "
                f"write other files, attach databases or install extensions ({error})",
                err=True,
            )
            raise typer.Exit(1) from error
        except duckdb.Error as error:
            if "read-only" in str(error) or "configuration has been locked" in str(error):
                typer.echo(
                    "error: `postings query` only reads the warehouse; it cannot "
                    f"change it or its settings ({error})",
                    err=True,
                )
            else:
                typer.echo(f"error: {error}", err=True)
            raise typer.Exit(1) from error
        if relation is None:
            return
        relation.show(max_rows=limit, max_width=200)


@app.command()
def report(
    role: Annotated[str, typer.Option(help="Role family to describe.")] = "ml_engineer",
    baseline: Annotated[str, typer.Option(help="Role family to compare it with.")] = (
        "data_scientist"
    ),
    top: Annotated[int, typer.Option(help="How many skills to list.")] = 15,
    html_path: Annotated[
        Path | None,
        typer.Option(
            "--html",
            help="Write the study's charts as one self-contained HTML page (opens offline).",
        ),
    ] = None,
    png_dir: Annotated[
        Path | None,
        typer.Option("--png", help="Write every chart as a PNG file in this folder."),
    ] = None,
) -> None:
    """The study: themes, skills, industries of ML engineers vs data scientists.

    Prints the table; with ``--html`` or ``--png`` draws the charts instead (95% intervals,
    denominators, date range and source mart on every chart).
    """
    from warehouse.report import report as study_report
    from warehouse.report_html import UnknownRoleError, write_report

    settings = get_settings()
    missing = warehouse_missing(settings)
    if missing is not None:
        typer.echo(f"error: {missing}", err=True)
        raise typer.Exit(2)
    target = settings.public_warehouse()
    try:
        if html_path is None and png_dir is None:
            typer.echo(study_report(target, role, baseline, top))
            return
        drawn, written = write_report(target, html_path, png_dir, role, baseline)
        if html_path is not None:
            typer.echo(f"Wrote the report ({drawn.drawn} charts) to {html_path.resolve()}")
        if png_dir is not None:
            typer.echo(f"Wrote {len(written)} charts as PNG to {png_dir.resolve()}")
    except UnknownRoleError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error


#: Where ``postings docs`` serves unless told otherwise: this machine only.
DOCS_HOST = "127.0.0.1"


def docs_server(directory: Path, host: str = DOCS_HOST, port: int = 8080) -> Any:
    """A ``ThreadingHTTPServer`` for the generated docs in ``directory``, bound but not serving.

    The caller serves it (``serve_forever``) and closes it; tests start and stop it themselves.
    """
    import functools
    import http.server

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    return http.server.ThreadingHTTPServer((host, port), handler)


@app.command()
def docs(
    host: Annotated[str, typer.Option(help="Address to serve on.")] = DOCS_HOST,
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8080,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve after generating.")
    ] = True,
) -> None:
    """Generate the dbt docs (lineage from sources to the fact tables) and serve them locally."""
    from warehouse.pipeline import transform as dbt_transform

    settings = get_settings()
    with building(settings) as build:
        if not dbt_transform(settings, build, "docs generate"):
            raise typer.Exit(1)
    target = settings.dbt_project_dir.resolve() / "target"
    typer.echo(f"Docs generated in {target}")
    if warehouse_missing(settings) is None:
        # The study's charts beside the docs (the `study_report_html` exposure links to them).
        from warehouse.report_html import write_html

        write_html(settings.public_warehouse(), target / "report.html")
        typer.echo(f"The study's report: {target / 'report.html'}")
    if not serve:
        return
    with docs_server(target, host, port) as httpd:
        address = f"http://{host}:{httpd.server_address[1]}"
        typer.echo(f"Serving dbt docs on {address}/ and the report on {address}/report.html")
        typer.echo("Ctrl-C stops")
        with contextlib.suppress(KeyboardInterrupt):
            httpd.serve_forever()


sources_app = typer.Typer(no_args_is_help=True, help="List, add and check the sources to crawl.")
app.add_typer(sources_app, name="sources")


@sources_app.command("list")
def sources_list(sources: SourcesOption = None) -> None:
    """List the sources of the sources file with their keys."""
    from scrapers.sources import SourceConfigError, load_sources

    settings = get_settings()
    path = resolve_sources(sources, settings)
    try:
        entries = load_sources(path)
    except SourceConfigError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    for entry in entries:
        typer.echo(entry.key)
    typer.echo(f"{len(entries)} sources in {path}", err=True)


@sources_app.command("add")
def sources_add(
    url: Annotated[
        str | None, typer.Argument(help="A careers page (or posting) URL of a known platform.")
    ] = None,
    sources: SourcesOption = None,
    company: Annotated[str | None, typer.Option(help="The employer's display name.")] = None,
    from_candidates: Annotated[
        bool,
        typer.Option(
            "--from-candidates",
            help="Add the boards of marts.candidate_sources whose first page answers.",
        ),
    ] = False,
) -> None:
    """Recognise a careers URL (greenhouse, lever, ashby, workable, ...) and add its board."""
    from scrapers.discovery import entry_from_url
    from scrapers.sources import SourceConfigError, append_entry, format_entry

    settings = get_settings()
    path = resolve_sources(sources, settings)
    if from_candidates:
        add_candidates(settings, path)
        return
    if url is None:
        typer.echo("error: give a careers URL, or --from-candidates", err=True)
        raise typer.Exit(2)
    try:
        options = entry_from_url(url)
        if company and "company" not in options:
            options["company"] = company
        entry = append_entry(path, options)
    except (ValueError, SourceConfigError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    typer.echo(f"added {entry.key} to {path}: {format_entry(options).strip()}")


def add_candidates(settings: Settings, path: Path) -> None:
    """Probe every candidate board and append those that answer to the sources file."""
    import json

    from scrapers.sources import SourceConfigError, append_entry, load_sources, parse_entry

    try:
        known = {entry.key for entry in load_sources(path)} if path.exists() else set()
        candidates = read_candidates(settings, known)
    except (SourceConfigError, WarehouseMissing) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    if not candidates:
        typer.echo(f"no candidate boards that {path} does not list")
        return
    entries: list[Any] = []
    for row in candidates:
        try:
            entries.append(parse_entry(json.loads(row["sources_entry"]), len(entries) + 1))
        except (ValueError, SourceConfigError) as error:  # a recogniser changed since the build
            typer.echo(f"skipped {row['candidate_source_key']}: {error}", err=True)
    answering = report_probe(probe_sources(settings, entries))
    added = 0
    for entry in entries:
        if entry.key in answering:
            try:
                append_entry(path, entry.options)
                added += 1
            except SourceConfigError as error:
                typer.echo(f"skipped {entry.key}: {error}", err=True)
    typer.echo(
        f"added {added} of {len(entries)} candidate boards to {path} (the others did not answer)"
    )


@sources_app.command("check")
def sources_check(
    sources: SourcesOption = None,
    only: Annotated[
        list[str] | None, typer.Option("--only", help="Check only this source key (repeatable).")
    ] = None,
) -> None:
    """Ask every board for its first page (a few requests each) and report which answer."""
    from scrapers.sources import SourceConfigError, load_sources

    settings = get_settings()
    path = resolve_sources(sources, settings)
    try:
        entries = load_sources(path)
    except SourceConfigError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    if only:
        entries = [entry for entry in entries if entry.key in set(only)]
    manifests = probe_sources(settings, entries)
    answering = report_probe(manifests)
    typer.echo(f"{len(answering)} of {len(manifests)} sources answer")
    raise typer.Exit(0 if len(answering) == len(manifests) else 1)


def probe_sources(settings: Settings, entries: list[Any]) -> list[dict[str, Any]]:
    """Crawl the first page or so of each entry (3 requests at most) in a scratch directory."""
    import tempfile

    import yaml

    from warehouse.pipeline import crawl as crawl_sources

    with tempfile.TemporaryDirectory(prefix="postings-check-") as scratch:
        probe = Path(scratch) / "sources.yml"
        probe.write_text(
            yaml.safe_dump(
                {
                    "sources": [
                        {
                            **entry.options,
                            "max_requests": 3,
                            **(
                                {"name": entry.key.split(":", 1)[1]}
                                if "name" not in entry.options
                                else {}
                            ),
                        }
                        for entry in entries
                    ]
                },
                sort_keys=False,
            ),
            encoding="utf-8",
        )
        probe_settings = settings.model_copy(update={"data_dir": Path(scratch) / "data"})
        result = crawl_sources(probe_settings, probe, on_run=echo_run)
    return list(result.manifests)


def report_probe(manifests: list[dict[str, Any]]) -> set[str]:
    """Print which probed sources answer (postings on the first page, or an empty board)."""
    answering: set[str] = set()
    typer.echo(f"\n{'source':<40} {'answers':<8} first-page postings / reason")
    for manifest in sorted(manifests, key=lambda m: m["source_key"]):
        ok = int(manifest.get("postings") or 0) > 0 or manifest["status"] == "empty"
        if ok:
            answering.add(manifest["source_key"])
        reason = (manifest.get("error_summary") or "").split("\n")[0][:100]
        detail = str(manifest.get("postings", 0)) if ok else reason
        typer.echo(f"{manifest['source_key']:<40} {'yes' if ok else 'NO':<8} {detail}")
    return answering


def read_candidates(settings: Settings, known: set[str]) -> list[dict[str, Any]]:
    """The rows of ``marts.candidate_sources`` whose board the sources file does not list."""
    missing = warehouse_missing(settings)
    if missing is not None:
        raise WarehouseMissing(missing)
    with open_for_query(settings.public_warehouse()) as connection:
        try:
            cursor = connection.execute(
                "select * from marts.candidate_sources "
                "order by postings_linking desc, candidate_source_key"
            )
        except Exception as error:  # the mart is built by the nightly's dbt build
            raise WarehouseMissing(
                "the warehouse has no marts.candidate_sources yet: run postings transform"
            ) from error
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return [row for row in rows if row["candidate_source_key"] not in known]


class WarehouseMissing(Exception):
    """The warehouse (or the mart a command reads) is not there yet."""


@sources_app.command("discover")
def sources_discover(
    sources: SourcesOption = None,
    limit: Annotated[int, typer.Option(help="Show at most this many boards.")] = 50,
) -> None:
    """List the boards crawled postings link to that no source crawls (marts.candidate_sources)."""
    from scrapers.sources import SourceConfigError, load_sources

    settings = get_settings()
    path = resolve_sources(sources, settings)
    try:
        known = {entry.key for entry in load_sources(path)} if path.exists() else set()
        candidates = read_candidates(settings, known)
    except (SourceConfigError, WarehouseMissing) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    typer.echo(f"{'candidate board':<44} {'postings':>8}  seen in / example link")
    for row in candidates[:limit]:
        typer.echo(
            f"{row['candidate_source_key']:<44} {row['postings_linking']:>8}  "
            f"{row['seen_in_sources']}: {row['link_example']}"
        )
    typer.echo(
        f"{len(candidates)} boards not in {path}"
        + (f" ({limit} shown)" if len(candidates) > limit else "")
        + "; add those that answer with: postings sources add --from-candidates",
        err=True,
    )


if __name__ == "__main__":
    app()
