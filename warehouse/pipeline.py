"""The steps of the main job — crawl, load, transform — as functions the CLI and tests call.

Crawling runs in a child process (``scrapers.runner``): Twisted's reactor cannot be restarted in
one process, and a crawler that dies must not take the loader with it. The parent watches run
manifests appear to show progress, then reads them for the per-source summary. Loading and dbt
run in this process, one after the other, so there is only ever one writer of the DuckDB file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from warehouse.config import PROJECT_ROOT, Settings

if TYPE_CHECKING:
    from warehouse.lakehouse import Target

logger = logging.getLogger(__name__)


@dataclass
class SourceSummary:
    """One line of the per-source summary every run ends with."""

    source_key: str
    status: str
    requests: int = 0
    postings: int = 0
    errors: int = 0
    new_versions: int | None = None
    message: str | None = None


@dataclass
class CrawlResult:
    """What a crawl did: one manifest per source run."""

    manifests: list[dict[str, Any]] = field(default_factory=list)
    manifest_paths: list[Path] = field(default_factory=list)
    returncode: int = 0

    @property
    def anything_crawled(self) -> bool:
        """True when at least one source gave postings."""
        return any(int(m.get("postings") or 0) > 0 for m in self.manifests)


def child_environment(settings: Settings, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a child process: this one's, with the effective settings exported."""
    environment = dict(os.environ)
    environment["POSTINGS_DB"] = str(settings.absolute_db())
    environment["POSTINGS_DATA_DIR"] = str(settings.data_dir.expanduser().resolve())
    environment["SCRAPY_SETTINGS_MODULE"] = "scrapers.settings"
    pythonpath = environment.get("PYTHONPATH", "")
    environment["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), pythonpath) if p)
    environment.update(extra or {})
    return environment


def crawl(
    settings: Settings,
    sources_file: Path,
    substitutions: dict[str, str] | None = None,
    only: list[str] | None = None,
    on_run: Callable[[dict[str, Any]], None] | None = None,
    log_level: str = "WARNING",
) -> CrawlResult:
    """Crawl every source of ``sources_file`` into landing files; report each run as it ends."""
    from scrapers.sources import load_sources

    entries = load_sources(sources_file, substitutions)  # fail fast, before the child starts
    landing_dir = settings.landing_dir.expanduser().resolve()
    if settings.frontier:
        if only is not None:
            wanted = set(only)
            entries = [entry for entry in entries if entry.key in wanted]
        return crawl_on_frontier(settings, settings.frontier, entries, on_run, log_level)
    landing_dir.mkdir(parents=True, exist_ok=True)
    before = set(landing_dir.rglob("*.run.json"))
    with tempfile.TemporaryDirectory(prefix="postings-crawl-") as scratch:
        summary_path = Path(scratch) / "summary.json"
        command = [
            sys.executable,
            "-m",
            "scrapers.runner",
            "--sources",
            str(sources_file),
            "--landing-dir",
            str(landing_dir),
            "--summary",
            str(summary_path),
            "--parallel",
            str(settings.parallel_sources),
        ]
        for name, value in (substitutions or {}).items():
            command += ["--substitute", f"{name}={value}"]
        if only is not None:  # a file: a night's due list may be thousands of keys
            only_file = Path(scratch) / "only.txt"
            only_file.write_text("".join(f"{key}\n" for key in only), encoding="utf-8")
            command += ["--only-file", str(only_file)]
        environment = child_environment(settings, {"POSTINGS_LOG_LEVEL": log_level})
        if only is not None:
            wanted = set(only)
            entries = [entry for entry in entries if entry.key in wanted]
        logger.info("Crawling %d sources from %s", len(entries), sources_file)
        process = subprocess.Popen(command, env=environment, cwd=str(PROJECT_ROOT))
        reported: set[Path] = set(before)
        while True:
            finished = process.poll() is not None
            report_new_runs(landing_dir, reported, on_run)
            if finished:
                break
            time.sleep(0.2)
        result = CrawlResult(returncode=process.returncode)
        if summary_path.exists():
            result.manifest_paths = [Path(p) for p in json.loads(summary_path.read_text())]
        else:  # the child died: take whatever runs it finished
            result.manifest_paths = sorted(reported - before)
    for path in result.manifest_paths:
        try:
            result.manifests.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as error:
            logger.error("Unreadable run manifest %s: %s", path, error)
    return result


def crawl_on_frontier(
    settings: Settings,
    frontier_url: str,
    entries: list[Any],
    on_run: Callable[[dict[str, Any]], None] | None = None,
    log_level: str = "WARNING",
    workers: int | None = None,
) -> CrawlResult:
    """Crawl ``entries`` through a shared frontier on Redis (``scrapers.frontier``).

    The frontier is checked first (``FrontierError`` naming it, before anything is crawled);
    then the entries become a new night on it, ``workers`` local worker processes are started
    (``settings.frontier_workers`` by default; workers of other machines may join with
    ``postings worker``), and this waits until the night is drained. The manifests are the ones
    the workers completed in the frontier, plus every failed run of a lost lease they wrote in
    the shared landing directory; a source no worker completed (every worker stopped) gets a
    failed manifest, so every source is accounted for, as without a frontier.
    """
    import redis

    from scrapers.frontier import Frontier, describe_url
    from scrapers.runner import failed_manifest

    frontier = Frontier.connect(frontier_url)
    landing_dir = settings.landing_dir.expanduser().resolve()
    landing_dir.mkdir(parents=True, exist_ok=True)
    before = set(landing_dir.rglob("*.run.json"))
    night = frontier.enqueue(entries)
    count = settings.frontier_workers if workers is None else workers
    logger.info(
        "Crawling %d sources on the frontier %s (night %s) with %d local workers",
        len(entries),
        describe_url(frontier_url),
        night,
        count,
    )
    command = [
        sys.executable,
        "-m",
        "scrapers.worker",
        "--frontier",
        frontier_url,
        "--night",
        night,
        "--landing-dir",
        str(landing_dir),
        "--parallel",
        str(settings.parallel_sources),
    ]
    environment = child_environment(settings, {"POSTINGS_LOG_LEVEL": log_level})
    processes = [
        subprocess.Popen(command, env=environment, cwd=str(PROJECT_ROOT)) for _ in range(count)
    ]
    reported: set[Path] = set(before)
    returncode = 0
    results: dict[str, dict[str, Any]] = {}
    try:
        while True:
            try:
                progress = frontier.progress(night)
            except redis.RedisError as error:
                logger.error(
                    "The crawl frontier %s was lost while its night %s ran: %s",
                    describe_url(frontier_url),
                    night,
                    error,
                )
                returncode = 1
                break
            stopped = bool(processes) and all(p.poll() is not None for p in processes)
            report_new_runs(landing_dir, reported, on_run)
            if progress.drained:
                break
            if stopped:
                logger.error(
                    "Every local worker stopped with %d sources left on the frontier %s (night %s)",
                    progress.queued + progress.leased,
                    describe_url(frontier_url),
                    night,
                )
                returncode = 1
                break
            time.sleep(0.5)
        for process in processes:
            process.wait()
            returncode = returncode or process.returncode
        with contextlib.suppress(redis.RedisError):
            results = frontier.results(night)
    finally:
        frontier.close()
    paths = {Path(result["manifest"]) for result in results.values()}
    paths |= set(landing_dir.rglob("*.run.json")) - before
    reported_keys = set(results)
    for path in paths:
        with contextlib.suppress(OSError, ValueError, KeyError):
            reported_keys.add(json.loads(path.read_text(encoding="utf-8"))["source_key"])
    for entry in entries:
        if entry.key not in reported_keys:
            logger.error("%s: no worker completed it on the frontier", entry.key)
            paths.add(
                failed_manifest(entry, landing_dir, f"not crawled: night {night} not drained")
            )
    result = CrawlResult(returncode=returncode, manifest_paths=sorted(paths))
    for path in result.manifest_paths:
        try:
            result.manifests.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as error:
            logger.error("Unreadable run manifest %s: %s", path, error)
    return result


def report_new_runs(
    landing_dir: Path, reported: set[Path], on_run: Callable[[dict[str, Any]], None] | None
) -> None:
    """Pass every run manifest that appeared since the last call to ``on_run`` (once each)."""
    for path in sorted(landing_dir.rglob("*.run.json")):
        if path not in reported:
            reported.add(path)
            if on_run:
                with contextlib.suppress(OSError, ValueError):
                    on_run(json.loads(path.read_text(encoding="utf-8")))


def release_dbt_connection() -> None:
    """Close the DuckDB database dbt keeps open in this process after ``dbtRunner`` returns.

    The profile sets ``keep_open: true`` (one connection for the whole build instead of one per
    node: about 1.6x faster on the demo), so dbt-duckdb keeps one open environment per process;
    the next open of the same file with another configuration (the publish step, a read-only
    check) would fail while it lives. dbt-duckdb's connection manager has public class methods
    for both steps: ``env()`` (raises when none was created) and ``close_all_connections()``.
    """
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # pragma: no cover - dbt-duckdb is a pinned dependency
        return
    try:
        environment = DuckDBConnectionManager.env()
    except Exception:  # no build ran in this process: nothing to close
        return
    with contextlib.suppress(Exception):
        environment.close()  # type: ignore[no-untyped-call]  # dbt-duckdb is untyped
    DuckDBConnectionManager.close_all_connections()  # type: ignore[no-untyped-call]


#: What the incremental models' stored rows were built by: every file under these paths of the
#: dbt project, plus the Python the dbt models call (the term matcher, the parse step and every
#: kind's parser).
PROJECT_INPUTS = ("dbt_project.yml", "models", "macros", "seeds")
MATCHER_MODULE = Path(__file__).resolve().parent / "matching.py"
PARSE_MODULE = Path(__file__).resolve().parent / "parse.py"


def code_inputs() -> list[Path]:
    """The Python files whose code decides what the dbt models hold (parsers, matcher)."""
    from scrapers.kinds import parser_files

    return [MATCHER_MODULE, PARSE_MODULE, *parser_files()]


#: Where a successful build records the fingerprint of the project that built it.
STATE_TABLE = "meta.dbt_build_state"


def project_fingerprint(project_dir: Path) -> str:
    """sha256 over the dbt project's models, macros, seeds and config, and the parsers' code.

    Incremental models keep rows built by earlier code: when a rule, a seed, a model or a
    kind's parser changes, those rows are stale, and the next build must rebuild everything
    (``--full-refresh``) from the stored payloads.
    """
    digest = hashlib.sha256()
    files: list[Path] = []
    for name in PROJECT_INPUTS:
        path = project_dir / name
        files += [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    named: list[tuple[Path, Path]] = [
        (path, path.relative_to(project_dir.parent)) for path in files
    ]
    named += [
        (path, path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path)
        for path in code_inputs()
    ]
    for path, label in named:
        digest.update(str(label).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class BuildState:
    """What the last successful build of a warehouse file recorded."""

    fingerprint: str
    #: The load time of the newest raw row present when that build started (and so tested by
    #: it), as text; None when unknown (the build was given a selection, or predates it). The
    #: next build tests only rows loaded after it (``transform``).
    built_through: str | None


def last_build(database: Target) -> BuildState | None:
    """The state recorded by the last successful build of ``database``, if any."""
    import duckdb

    from warehouse import lakehouse

    if not lakehouse.exists(database):
        return None
    with lakehouse.open_database(database) as connection:
        found = connection.execute(
            "select count(*) from information_schema.columns where table_schema = 'meta' "
            "and table_name = 'dbt_build_state' and column_name = 'built_through'"
        ).fetchone()
        tested = "cast(built_through as varchar)" if found and found[0] else "null"
        try:
            row = connection.execute(
                f"select fingerprint, {tested} from {STATE_TABLE} order by built_at desc limit 1"
            ).fetchone()
        except duckdb.CatalogException:  # never built
            return None
    return BuildState(row[0], row[1]) if row else None


#: The schemas of dbt's tables (incremental models among them), macros/generate_schema_name.sql.
BUILT_SCHEMAS = ("intermediate", "marts")


def has_built_tables(database: Target) -> bool:
    """True when ``database`` holds tables in dbt's schemas (whatever built them)."""
    from warehouse import lakehouse

    if not lakehouse.exists(database):
        return False
    with lakehouse.open_database(database) as connection:
        row = connection.execute(
            "select count(*) from information_schema.tables "
            "where table_catalog = current_database() "
            "and table_schema in (select unnest($schemas)) and table_type = 'BASE TABLE'",
            {"schemas": list(BUILT_SCHEMAS)},
        ).fetchone()
    return bool(row and row[0])


def newest_load(database: Target) -> str | None:
    """The load time of the newest row of the raw history (runs and versions), as text."""
    import duckdb

    from warehouse import lakehouse

    if not lakehouse.exists(database):
        return None
    with lakehouse.open_database(database) as connection:
        try:
            row = connection.execute(
                "select cast(greatest((select max(_loaded_at) from raw.crawl_runs), "
                "(select max(_loaded_at) from raw.posting_versions)) as varchar)"
            ).fetchone()
        except duckdb.CatalogException:  # no raw schema yet
            return None
    return row[0] if row else None


def record_build(
    database: Target, fingerprint: str, full_refresh: bool, built_through: str | None = None
) -> None:
    """Record that the project with ``fingerprint`` built ``database`` (after a success only).

    ``built_through`` is the newest load time the build's data tests covered: the next
    incremental build tests only rows loaded after it (macros/get_where_subquery.sql).
    """
    from warehouse import lakehouse

    with lakehouse.open_database(database) as connection:
        connection.execute("create schema if not exists meta")
        connection.execute(
            f"create table if not exists {STATE_TABLE} ("
            "fingerprint varchar not null, built_at timestamptz not null, "
            "full_refresh boolean not null)"
        )
        connection.execute(
            f"alter table {STATE_TABLE} add column if not exists built_through timestamptz"
        )
        connection.execute(
            f"insert into {STATE_TABLE} (fingerprint, built_at, full_refresh, built_through) "
            "values ($fingerprint, now(), $full, cast($built_through as timestamptz))",
            {"fingerprint": fingerprint, "full": full_refresh, "built_through": built_through},
        )


def dbt_environment(
    settings: Settings, database: Target, built_through: str | None
) -> dict[str, str | None]:
    """What dbt reads of this run, from ``settings``: the only values passed to it by variables.

    dbt's profile (profiles.yml), macros/get_where_subquery.sql and fct_posting_industries read
    these with ``env_var``: the build copy of the warehouse, DuckDB's memory limit, the scope of
    the data tests (the newest load time the last build tested; None on a full build) and whether
    the known-company seed may decide an industry (``Settings.industry_known_companies``). Nothing
    else reads them, and they are set only for the duration of the dbt call.
    """
    from warehouse.lakehouse import SCHEME, Lakehouse

    known_companies = "true" if settings.industry_known_companies else "false"
    if isinstance(database, Lakehouse):
        return {
            "POSTINGS_DBT_DB": None,
            "POSTINGS_DBT_LAKE": SCHEME + database.catalog,
            "POSTINGS_DBT_LAKE_DATA": database.data_path,
            "POSTINGS_DBT_TEMP": str(database.scratch_dir / "dbt.tmp"),
            **{
                f"POSTINGS_DBT_S3_{name.upper()}": database.s3.get(name) or None
                for name in ("key_id", "secret", "region", "endpoint", "url_style", "use_ssl")
            },
            "POSTINGS_DBT_MEMORY_LIMIT": settings.memory_limit,
            "POSTINGS_DBT_BUILT_THROUGH": built_through,
            "POSTINGS_DBT_INDUSTRY_KNOWN_COMPANIES": known_companies,
        }
    return {
        "POSTINGS_DBT_DB": str(database.resolve()),
        "POSTINGS_DBT_MEMORY_LIMIT": settings.memory_limit,
        "POSTINGS_DBT_BUILT_THROUGH": built_through,
        "POSTINGS_DBT_INDUSTRY_KNOWN_COMPANIES": known_companies,
    }


def _set_environment(values: dict[str, str | None]) -> None:
    """Set environment variables; a None value unsets its variable."""
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@contextlib.contextmanager
def _environment(**values: str | None) -> Iterator[None]:
    """Set (or, for None, unset) environment variables for the block, then restore them."""
    saved = {name: os.environ.get(name) for name in values}
    try:
        _set_environment(values)
        yield
    finally:
        _set_environment(saved)


#: dbt arguments after which a build no longer tests every new row.
_SELECTING = {
    "--select",
    "-s",
    "--exclude",
    "--selector",
    "--models",
    "-m",
    "--resource-type",
    "--resource-types",
}


def transform(
    settings: Settings,
    database: Target,
    command: str = "build",
    extra_args: list[str] | None = None,
    full_refresh: bool | None = None,
) -> bool:
    """Run ``dbt <command>`` on ``database`` (the build copy); True when dbt succeeded.

    ``dbt build`` is incremental: the heavy models add only what was loaded since the last
    build. It rebuilds everything (``--full-refresh``) when asked, or, with ``full_refresh``
    left to None, when the project (models, macros, seeds, matcher) differs from the one that
    last built this file, so a changed rule never leaves rows built by the old one. The tests
    of the raw history check only rows loaded since the last successful build, whose
    ``built_through`` this records and passes to the next build (as ``POSTINGS_DBT_BUILT_THROUGH``,
    read by macros/get_where_subquery.sql); a full refresh, or dbt run by hand, checks them all.
    dbt unit tests check code, not data: they run in the test suite (tests/dbt, tests/e2e), not
    in the nightly build.
    """
    from dbt.cli.main import dbtRunner

    from warehouse.load import upgrade

    project = settings.dbt_project_dir.resolve()
    building = command == "build"
    if building:
        upgrade(database)  # a warehouse of an earlier release: parsed columns out of raw
    extra = list(extra_args or [])
    fingerprint = project_fingerprint(project) if building else ""
    previous = last_build(database) if building else None
    if building and full_refresh is None:
        if previous is None:
            # Tables built by a version that recorded no build: their code is unknown.
            full_refresh = has_built_tables(database)
            if full_refresh:
                logger.info(
                    "The warehouse has dbt tables but no recorded build: rebuilding everything"
                )
        else:
            full_refresh = previous.fingerprint != fingerprint
            if full_refresh:
                logger.info("The dbt project changed since the last build: rebuilding everything")
    options: list[str] = []
    selecting = any(argument.split("=")[0] in _SELECTING for argument in extra)
    built_through = newest_load(database) if building and not selecting else None
    if building:
        options += ["--exclude-resource-type", "unit_test"]
        if full_refresh:
            options.append("--full-refresh")
    from warehouse.lakehouse import Lakehouse, install_extensions

    if isinstance(database, Lakehouse):
        # dbt's connection attaches the lake (profiles.yml, target lake): the extensions must be
        # installed from their packages first, as DuckDB cannot download them here.
        with duckdb_memory() as connection:
            install_extensions(connection, database.extensions())
        options += ["--target", "lake"]
    # A command of several words ("docs generate") puts its options after all of them.
    args = [
        "--no-use-colors",
        *command.split(),
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(project),
        *options,
        *extra,
    ]
    logger.info("dbt %s", " ".join(args))
    # The scope of the data tests and of the facts' candidates (macros/get_where_subquery.sql):
    # an environment variable read when a node runs, not a --vars (a var that changes every
    # night makes dbt parse the whole project again), nor a query per node (~280 nodes use it).
    scope = previous.built_through if previous is not None and not full_refresh else None
    with _environment(**dbt_environment(settings, database, scope)):
        try:
            result = dbtRunner().invoke(args)
        finally:
            release_dbt_connection()
    if result.exception is not None:
        logger.error("dbt %s failed: %s", command, result.exception)
    if not result.success and _dbt_ran_out_of_disk(result):
        logger.error(
            "dbt %s failed because the disk is full (%s): free space and rerun; the "
            "published warehouse was left as it was",
            command,
            database.scratch_dir if isinstance(database, Lakehouse) else database.parent,
        )
    if building and result.success:
        record_build(database, fingerprint, bool(full_refresh), built_through)
    return bool(result.success)


@contextlib.contextmanager
def duckdb_memory() -> Iterator[Any]:
    """An in-memory DuckDB connection, closed after the block."""
    import duckdb

    connection = duckdb.connect()
    try:
        yield connection
    finally:
        connection.close()


def _dbt_ran_out_of_disk(result: Any) -> bool:
    """True when dbt's failure (its exception, or a node's message) says the disk is full."""
    from scrapers.landing import is_disk_full

    if result.exception is not None and is_disk_full(result.exception):
        return True
    nodes = getattr(getattr(result, "result", None), "results", None) or []
    return any(
        is_disk_full(RuntimeError(str(getattr(node, "message", "") or ""))) for node in nodes
    )


def summarise(crawl_result: CrawlResult | None, load_report: Any | None) -> list[SourceSummary]:
    """Join crawl manifests and load outcomes into one line per source."""
    lines: dict[str, SourceSummary] = {}
    if crawl_result is not None:
        for manifest in crawl_result.manifests:
            lines[manifest["crawl_run_id"]] = SourceSummary(
                source_key=manifest["source_key"],
                status=manifest["status"],
                requests=int(manifest.get("requests") or 0),
                postings=int(manifest.get("postings") or 0),
                errors=int(manifest.get("errors") or 0),
                message=(manifest.get("error_summary") or "").split("\n")[0] or None,
            )
    if load_report is not None:
        for run in load_report.runs:
            line = lines.get(run.crawl_run_id)
            if line is None and run.skipped:  # loaded on an earlier night: nothing to say
                continue
            if line is None:
                line = lines.setdefault(
                    run.crawl_run_id, SourceSummary(source_key=run.source_key, status=run.status)
                )
            line.new_versions = run.new_versions
            if run.error:
                line.status = "load failed"
                line.message = run.error
    return sorted(lines.values(), key=lambda line: line.source_key)
