"""Load landing files into the raw schema: one transaction per crawl run, bulk, idempotent.

A crawl run is ready to load once its manifest (``<run>.run.json``) exists. Its postings file
is read by DuckDB's ``read_json`` into a temporary table, and in one transaction the loader
inserts the payloads whose ``(source_key, source_posting_id, content_hash)`` is new, the run's
sightings, and the run itself into ``raw.crawl_runs``. A run already in ``raw.crawl_runs`` is
skipped, so loading the same files again changes nothing; a crash before the commit leaves
nothing of that run behind. No SQL is built from data: file paths and values are bound.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from scrapers.pipelines.land import MANIFEST_SUFFIX
from warehouse.schema import create_raw_schema

logger = logging.getLogger(__name__)

#: Columns of a landing record and their DuckDB types (the item contract, scrapers/items.py).
LANDING_COLUMNS: dict[str, str] = {
    "source_kind": "VARCHAR",
    "source_key": "VARCHAR",
    "source_posting_id": "VARCHAR",
    "url": "VARCHAR",
    "title": "VARCHAR",
    "company_name": "VARCHAR",
    "location": "VARCHAR",
    "remote": "VARCHAR",
    "department": "VARCHAR",
    "employment_type": "VARCHAR",
    "posted_at": "VARCHAR",
    "description": "VARCHAR",
    "description_format": "VARCHAR",
    "description_text": "VARCHAR",
    "payload": "VARCHAR",
    "payload_format": "VARCHAR",
    "crawl_run_id": "VARCHAR",
    "fetched_at": "VARCHAR",
    "content_hash": "VARCHAR",
}

_STAGE = """
create or replace temp table staged_postings as
select *
from read_json(
    $path,
    format = 'newline_delimited',
    columns = {columns},
    maximum_object_size = 536870912
)
where source_posting_id is not null and content_hash is not null
qualify row_number() over (
    partition by source_key, source_posting_id order by fetched_at
) = 1
""".format(columns="{" + ", ".join(f"'{k}': '{v}'" for k, v in LANDING_COLUMNS.items()) + "}")

_INSERT_VERSIONS = """
insert into raw.posting_versions by name
select
    staged.source_key,
    staged.source_posting_id,
    staged.content_hash,
    staged.source_kind,
    staged.crawl_run_id as first_crawl_run_id,
    cast(staged.fetched_at as timestamptz) as first_fetched_at,
    staged.url,
    staged.title,
    staged.company_name,
    staged.location,
    staged.remote,
    staged.department,
    staged.employment_type,
    staged.posted_at,
    staged.description,
    staged.description_format,
    staged.description_text,
    staged.payload,
    staged.payload_format,
    $source_file as _source_file,
    $loaded_at as _loaded_at
from staged_postings as staged
anti join raw.posting_versions as known
    on known.source_key = staged.source_key
    and known.source_posting_id = staged.source_posting_id
    and known.content_hash = staged.content_hash
"""

_INSERT_SIGHTINGS = """
insert into raw.sightings by name
select
    $crawl_run_id as crawl_run_id,
    source_key,
    source_posting_id,
    content_hash,
    cast(fetched_at as timestamptz) as seen_at
from staged_postings
"""

_INSERT_RUN = """
insert into raw.crawl_runs by name
select
    $crawl_run_id as crawl_run_id,
    $source_key as source_key,
    $source_kind as source_kind,
    cast($started_at as timestamptz) as started_at,
    cast($finished_at as timestamptz) as finished_at,
    $finish_reason as finish_reason,
    $status as status,
    $requests as requests,
    $postings as postings,
    $errors as errors,
    $error_summary as error_summary,
    cast($counters as json) as counters,
    $source_file as _source_file,
    $loaded_at as _loaded_at
"""


class LoadError(RuntimeError):
    """A landing file could not be loaded; the message names the run and the file."""


@dataclass
class RunLoad:
    """What loading one crawl run did."""

    crawl_run_id: str
    source_key: str
    status: str
    new_versions: int = 0
    sightings: int = 0
    skipped: bool = False
    error: str | None = None


@dataclass
class LoadReport:
    """What one ``load`` call did, run by run."""

    runs: list[RunLoad] = field(default_factory=list)
    abandoned: list[Path] = field(default_factory=list)

    @property
    def failed(self) -> list[RunLoad]:
        """Runs whose load failed (and was rolled back)."""
        return [run for run in self.runs if run.error]


def find_manifests(landing_dir: Path) -> list[Path]:
    """Every run manifest under the landing directory, oldest run first."""
    return sorted(landing_dir.rglob(f"*{MANIFEST_SUFFIX}"), key=lambda path: path.name)


def find_abandoned(landing_dir: Path) -> list[Path]:
    """Landing files of runs that never finished (a crawl killed mid-run); never loaded."""
    return sorted(landing_dir.rglob("*.jsonl.part"))


def read_manifest(path: Path) -> dict[str, Any]:
    """Read and check a run manifest."""
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise LoadError(f"{path}: unreadable run manifest: {error}") from error
    for key in ("crawl_run_id", "source_key", "source_kind", "status", "started_at"):
        if not manifest.get(key):
            raise LoadError(f"{path}: run manifest has no {key!r}")
    return manifest


def connect(database: Path) -> duckdb.DuckDBPyConnection:
    """Open the warehouse for writing, creating the raw schema if needed."""
    database.parent.mkdir(parents=True, exist_ok=True)
    create_raw_schema(str(database))
    connection = duckdb.connect(str(database))
    # Each run is its own small transaction; checkpointing after every few of them cost more
    # than the inserts (bench: about 20% of a 100k-posting load). Checkpoint at the end instead.
    connection.execute("set checkpoint_threshold = '1GB'")
    return connection


def already_loaded(connection: duckdb.DuckDBPyConnection, crawl_run_id: str) -> bool:
    """True when the run is in ``raw.crawl_runs`` already."""
    row = connection.execute(
        "select count(*) from raw.crawl_runs where crawl_run_id = $id", {"id": crawl_run_id}
    ).fetchone()
    return bool(row and row[0])


def load_run(connection: duckdb.DuckDBPyConnection, manifest_path: Path,
             before_commit: Callable[[str], None] | None = None) -> RunLoad:
    """Load one crawl run in one transaction; loading it again changes nothing.

    ``before_commit`` is called with a step name between the statements (tests use it to
    inject crashes); it is never set in production.
    """
    manifest = read_manifest(manifest_path)
    run_id = manifest["crawl_run_id"]
    result = RunLoad(run_id, manifest["source_key"], manifest["status"])
    if already_loaded(connection, run_id):
        result.skipped = True
        return result
    landing_name = manifest.get("landing_file")
    landing_path = manifest_path.with_name(landing_name) if landing_name else None
    has_postings = (
        landing_path is not None and landing_path.exists() and landing_path.stat().st_size > 0
    )
    if int(manifest.get("postings") or 0) > 0 and not has_postings:
        raise LoadError(f"{manifest['source_key']}: run {run_id} reports postings but its "
                        f"landing file {landing_name} is missing or empty ({manifest_path.parent})")
    loaded_at = datetime.now(UTC)
    source_file = str(landing_path.name if landing_path else manifest_path.name)
    hook = before_commit or (lambda step: None)
    connection.begin()
    try:
        if has_postings:
            assert landing_path is not None
            connection.execute(_STAGE, {"path": str(landing_path)})
            hook("staged")
            row = connection.execute(
                _INSERT_VERSIONS, {"source_file": source_file, "loaded_at": loaded_at}
            ).fetchone()
            result.new_versions = int(row[0]) if row else 0
            hook("versions")
            row = connection.execute(_INSERT_SIGHTINGS, {"crawl_run_id": run_id}).fetchone()
            result.sightings = int(row[0]) if row else 0
            hook("sightings")
        connection.execute(_INSERT_RUN, {
            "crawl_run_id": run_id,
            "source_key": manifest["source_key"],
            "source_kind": manifest["source_kind"],
            "started_at": manifest["started_at"],
            "finished_at": manifest.get("finished_at"),
            "finish_reason": manifest.get("finish_reason"),
            "status": manifest["status"],
            "requests": int(manifest.get("requests") or 0),
            "postings": int(manifest.get("postings") or 0),
            "errors": int(manifest.get("errors") or 0),
            "error_summary": manifest.get("error_summary"),
            "counters": json.dumps(manifest.get("counters") or {}),
            "source_file": source_file,
            "loaded_at": loaded_at,
        })
        hook("run")
        connection.commit()
    except Exception as error:
        connection.rollback()
        raise LoadError(f"{manifest['source_key']}: run {run_id} ({source_file}): "
                        f"load rolled back: {error}") from error
    finally:
        connection.execute("drop table if exists staged_postings")
    logger.debug("Loaded %s (%s): %d new versions, %d sightings", run_id, manifest["source_key"],
                result.new_versions, result.sightings)
    return result


def load(database: Path, landing_dir: Path, manifests: Iterable[Path] | None = None,
         progress: Callable[[int, int, RunLoad], None] | None = None) -> LoadReport:
    """Load every finished run under ``landing_dir`` (or the given manifests) not yet loaded.

    A run that fails to load is rolled back, reported and left for the next load; the other
    runs go on.
    """
    report = LoadReport(abandoned=find_abandoned(landing_dir))
    for path in report.abandoned:
        logger.warning("Ignoring %s: its crawl never finished (no manifest)", path)
    paths = list(manifests) if manifests is not None else find_manifests(landing_dir)
    connection = connect(database)
    try:
        for position, path in enumerate(paths, start=1):
            try:
                outcome = load_run(connection, path)
            except LoadError as error:
                logger.error("%s", error)
                try:
                    manifest = read_manifest(path)
                    key, status = manifest["source_key"], manifest["status"]
                except LoadError:
                    key, status = "?", "?"
                outcome = RunLoad(path.name.removesuffix(MANIFEST_SUFFIX), key, status,
                                  error=str(error))
            report.runs.append(outcome)
            if progress:
                progress(position, len(paths), outcome)
        connection.execute("checkpoint")
    finally:
        connection.close()
    return report
