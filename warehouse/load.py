"""Load landing files into the raw schema: bulk, many runs per transaction, idempotent.

A crawl run is ready to load once its manifest (``<run>.run.json``) exists. ``load`` reads every
manifest, drops the runs already in ``raw.crawl_runs`` (the register of loaded runs) with one
query, and loads the others in batches of up to ``BATCH_BYTES`` of landing files. A batch is one
transaction: ``read_json`` of all its postings files, light columns only, into a temporary table
that picks the sightings and the new versions; then the payloads whose ``(source_key,
source_posting_id, content_hash)`` is new, read again straight into ``raw.posting_versions``;
every sighting; and the batch's runs in ``raw.crawl_runs``. Loading the same files again
changes nothing; a crash before the commit leaves nothing of that batch behind.

Why batches: with a few hundred postings per run, what a transaction costs whatever its size (a
commit, a ``read_json``, the anti-join against every known version) made loading run by run three
to five times slower than DuckDB's own bulk read of the same files. Why large ones: DuckDB writes a
large insert's full row groups into the database file while the statement runs, compressed on every
core, and keeps only the last, partial row group in memory until the commit, which then compresses
it on one thread. A batch of fewer new versions than a row group therefore did all its writing in
the commit (at a million postings, 384 MiB batches spent 48 of 109 s committing). ``MEMORY_LIMIT``
makes DuckDB spill rather than grow, so a backfill of a million postings runs in about 2 GB
whatever the batch size, and the loader's row groups are small enough (``ROW_GROUP_SIZE``) that an
insert's groups in flight fit in that limit rather than spilling. Each batch's commit writes its
rows straight into the database file (``load`` sets the checkpoint threshold low and turns DuckDB's
row-group merging off; see there).

If a batch fails (a corrupt or missing file, anything), it is rolled back and its runs are loaded
one by one (``load_run``), so the bad run is named and rolled back alone and the others load.

Within a run, a posting id seen twice keeps its first record (earliest ``fetched_at``, then
file order); records without ``source_posting_id`` or ``content_hash`` are dropped. A new version
is credited to the first run, in load order, that saw it, exactly as loading run by run would.
No SQL is built from data: file paths, file lists and values are bound as parameters.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from scrapers.landing import (
    MANIFEST_SUFFIX,
    PART_SUFFIX,
    ManifestError,
    RunManifest,
    describe_os_error,
    is_disk_full,
)
from warehouse import lakehouse
from warehouse.lakehouse import Lakehouse, Target
from warehouse.schema import create_raw_schema

logger = logging.getLogger(__name__)

#: Columns of a landing record and their DuckDB types: the envelope (scrapers/items.py).
LANDING_COLUMNS: dict[str, str] = {
    "source_kind": "VARCHAR",
    "source_key": "VARCHAR",
    "source_posting_id": "VARCHAR",
    "url": "VARCHAR",
    "payload": "VARCHAR",
    "payload_format": "VARCHAR",
    "source_context": "JSON",
    "crawl_run_id": "VARCHAR",
    "fetched_at": "VARCHAR",
    "content_hash": "VARCHAR",
    # Landing files of earlier releases carry the company their spider parsed and no
    # source_context: that company becomes their context, which is what their parser needs.
    "company_name": "VARCHAR",
}

#: The columns that pick sightings and new versions (the first read of a batch).
LIGHT_COLUMNS: dict[str, str] = {
    name: LANDING_COLUMNS[name]
    for name in ("source_key", "source_posting_id", "content_hash", "fetched_at")
}

#: Landing bytes per batch (one transaction). 4 GiB is ~300,000 postings of ~13 KB, well over
#: a row group of new versions, so that DuckDB writes most of a batch while inserting it rather
#: than in the commit (see above). SYNTHETIC million-posting backfill, same files and machine:
#: 384 MiB batches 109 s, 1.5 GiB (fewer new versions than a row group per batch) 148 s, 2 GiB
#: 76 s, 4 GiB 70 s, one batch 71 s; peak RSS 2.1 GB for each. Memory does not grow with the
#: batch: the light columns staged for the whole batch are ~200 bytes a posting.
BATCH_BYTES = 4 * 2**30

#: DuckDB's ``memory_limit`` for the loader's connection. DuckDB's default is 80% of the
#: machine's memory, which it uses before it spills: a backfill would then grow the loader to
#: several GB beside the crawler and dbt. With a limit, a large batch (or a large anti-join
#: against every known version) spills to ``<database>.tmp`` instead. With DuckDB's default row
#: groups, what a large insert spilled was its row groups in flight (one per core, ~1.6 GB each
#: of 13 KB postings), so the limit traded memory for speed (2 GB 65 s, 3 GB 61 s, 5 GB 53 s);
#: the loader's smaller row groups fit in 2 GB, and 3 GB is no faster with them (figures at
#: ``ROW_GROUP_SIZE``). A nightly load (30,000 postings into a year of history) peaked at 0.8 GB
#: in the bench, and runs before dbt, not beside it.
MEMORY_LIMIT = "2GB"

#: ``checkpoint_threshold`` while loading batches: low, so that each batch's commit writes its
#: rows straight into the database file rather than into the WAL first (see ``load``).
BATCH_CHECKPOINT_THRESHOLD = "1MB"

#: ``checkpoint_threshold`` while loading run by run (``connect``, and a failed batch's runs):
#: high, so that small transactions go to the WAL and are checkpointed together.
RUN_CHECKPOINT_THRESHOLD = "1GB"

#: Rows per row group of what the loader writes (DuckDB's default is 122,880). A parallel
#: insert fills one row group per core before writing it, and a posting lands as ~13 KB of
#: descriptions and payload: a default row group is ~1.6 GB, two of them overflow
#: ``MEMORY_LIMIT`` and the insert spills them to disk and reads them back. At 16,384 rows
#: (~210 MB) nothing spills. SYNTHETIC million-posting backfill, same files and machine, 3 GB
#: limit: 122,880 rows 57-65 s, 61,440 53 s, 30,720 50-54 s, 16,384 45-49 s, 8,192 51 s; 2 GB
#: limit: 122,880 rows 93 s, 16,384 rows 43-56 s, peak RSS 2.0 GB for both. The database file
#: is the same size, and reading is not slower: a ``create table as`` over the versions and
#: sightings took 13.6 s on default row groups and 13.4 s on these, and the bench's full dbt
#: build of a year 437 s against 450 s before. Later writers (dbt) keep DuckDB's default.
ROW_GROUP_SIZE = 16_384

#: The compression DuckDB must use for the row groups of ``raw.posting_versions`` that the versions
#: insert writes. Left to choose, DuckDB stored most of ``description`` and all of
#: ``description_text`` uncompressed (long strings); Zstandard packs the descriptions' shared
#: boilerplate, and writing less made the insert faster. SYNTHETIC million-posting backfill (whose
#: descriptions are built from a few hundred real ones, so they compress far better than real
#: postings will): 31 s against 49 s in the same session, a 1.0 GB file against 8.7 GB, the same
#: rows; the bench's CTAS over versions and sightings read it in 14.5 s against 16.6 s. Only this
#: insert is forced: the other tables' short strings keep DuckDB's choice (dictionaries).
VERSIONS_COMPRESSION = "zstd"

#: The name the loader's connection gives the attached warehouse file (its default catalog).
WAREHOUSE_CATALOG = "warehouse"

#: The largest landing line ``read_json`` accepts (a posting with a huge description).
MAXIMUM_OBJECT_SIZE = 512 * 2**20

#: ``read_json`` reserves a buffer of twice ``maximum_object_size`` per file it reads at once,
#: and the reservation counts against ``MEMORY_LIMIT``: two files at 512 MiB would not fit in
#: 2 GB. No line is longer than its file, so a batch asks for its largest file's size (at
#: least DuckDB's default, at most ``MAXIMUM_OBJECT_SIZE``): the same lines load, with small
#: buffers.
MINIMUM_OBJECT_SIZE = 16 * 2**20

# The batch's runs that have postings to read, in load order: landing path (as given to
# read_json, which reports it back in its ``filename`` column), manifest run id and landing
# file name.
_STAGE_RUNS = """
create or replace temp table batch_runs as
select
    unnest($positions) as position,
    unnest($paths) as filename,
    unnest($run_ids) as crawl_run_id,
    unnest($source_files) as source_file
"""

# The batch's files, in list order. They are read twice: once for the light columns of every
# record (into a temporary table), once for the new versions' records, straight into
# raw.posting_versions. Copying the heavy columns (descriptions, payloads: ~13 KB a posting) into
# a temporary table and from there into raw.posting_versions cost more than the second read:
# parsing is cheap, copying long strings is not (bench: ~0.2 s to parse 384 MB, ~0.8 s to copy).
_READ_BATCH = """
read_json(
    $paths,
    filename = true,
    format = 'newline_delimited',
    columns = $columns,
    maximum_object_size = $maximum_object_size
)
"""

# The light columns of every record; a temporary table keeps read_json's order in its rowids.
# read_json is given only these columns (``LIGHT_COLUMNS``): it builds every column it is given,
# whatever the query selects (bench, a million postings: 10.2 s with every column declared,
# 6.3 s with these).
_STAGE_POSTINGS = f"""
create or replace temp table batch_postings as
select filename, source_key, source_posting_id, content_hash, fetched_at
from {_READ_BATCH}
"""

# One sighting per run and posting: the first record of the posting in its file (earliest
# fetched_at, then file order), without sorting whole records. ``position`` is null for a file
# that read_json named differently from the batch's list (checked before anything is written).
_STAGE_SIGHTINGS = """
create or replace temp table batch_sightings as
select
    runs.position,
    runs.crawl_run_id,
    runs.source_file,
    seen.filename,
    seen.source_key,
    seen.source_posting_id,
    seen.first.row_id,
    seen.first.content_hash,
    seen.first.fetched_at
from (
    select
        filename,
        source_key,
        source_posting_id,
        min({'fetched_at': fetched_at, 'row_id': rowid, 'content_hash': content_hash})
            as first
    from batch_postings
    where source_posting_id is not null and content_hash is not null
    group by filename, source_key, source_posting_id
) as seen
left join batch_runs as runs on runs.filename = seen.filename
"""

# The versions not in raw.posting_versions yet, each from its first sighting: the first run of
# the batch (in load order) that saw it, as loading the runs one by one would have it.
_STAGE_NEW_VERSIONS = """
create or replace temp table batch_new_versions as
select
    firsts.source_key,
    firsts.source_posting_id,
    firsts.content_hash,
    firsts.first.position,
    firsts.first.filename,
    firsts.first.fetched_at,
    firsts.first.source_file
from (
    select
        source_key,
        source_posting_id,
        content_hash,
        min({
            'position': position,
            'row_id': row_id,
            'filename': filename,
            'fetched_at': fetched_at,
            'source_file': source_file
        }) as first
    from batch_sightings
    group by source_key, source_posting_id, content_hash
) as firsts
anti join raw.posting_versions as known
    on known.source_key = firsts.source_key
    and known.source_posting_id = firsts.source_posting_id
    and known.content_hash = firsts.content_hash
"""

_COUNT_SIGHTINGS = "select position, count(*) from batch_sightings group by position"

_COUNT_NEW_VERSIONS = "select position, count(*) from batch_new_versions group by position"

# A new version's record is the one with its file, posting id, content hash and fetch time.
_JOIN_NEW_VERSIONS = """
join batch_new_versions as new
    on new.filename = staged.filename
    and new.source_key = staged.source_key
    and new.source_posting_id = staged.source_posting_id
    and new.content_hash = staged.content_hash
    and new.fetched_at = staged.fetched_at
"""

# How many records the second read will match: more than the new versions when a file holds the
# same posting twice with the same content and fetch time (then _INSERT_VERSIONS keeps one).
_COUNT_VERSION_RECORDS = f"""
select count(*)
from batch_postings as staged
{_JOIN_NEW_VERSIONS}
"""

_INSERT_VERSIONS = f"""
insert into raw.posting_versions by name
select
    staged.source_key,
    staged.source_posting_id,
    staged.content_hash,
    staged.source_kind,
    staged.crawl_run_id as first_crawl_run_id,
    cast(staged.fetched_at as timestamptz) as first_fetched_at,
    staged.url,
    staged.payload,
    staged.payload_format,
    coalesce(
        cast(staged.source_context as varchar),
        case when staged.company_name is not null
            then cast(json_object('company', staged.company_name) as varchar) end,
        '{{}}'
    ) as source_context,
    new.source_file as _source_file,
    $loaded_at as _loaded_at
from {_READ_BATCH} as staged
{_JOIN_NEW_VERSIONS}
"""

# The same when a file repeats a record: the repeats are the same version fetched at the same
# time, so any one of them will do.
_INSERT_VERSIONS_ONCE = (
    _INSERT_VERSIONS
    + """
qualify row_number() over (
    partition by staged.filename, staged.source_key, staged.source_posting_id
) = 1
"""
)

_INSERT_SIGHTINGS = """
insert into raw.sightings by name
select
    crawl_run_id,
    source_key,
    source_posting_id,
    content_hash,
    cast(fetched_at as timestamptz) as seen_at
from batch_sightings
"""

_INSERT_RUNS = """
insert into raw.crawl_runs by name
select
    unnest($crawl_run_id) as crawl_run_id,
    unnest($source_key) as source_key,
    unnest($source_kind) as source_kind,
    cast(unnest($started_at) as timestamptz) as started_at,
    cast(unnest($finished_at) as timestamptz) as finished_at,
    unnest($finish_reason) as finish_reason,
    unnest($status) as status,
    unnest($requests) as requests,
    unnest($postings) as postings,
    unnest($errors) as errors,
    unnest($error_summary) as error_summary,
    cast(unnest($counters) as json) as counters,
    unnest($source_file) as _source_file,
    $loaded_at as _loaded_at
"""

_LOADED_RUN_IDS = """
select crawl_run_id
from raw.crawl_runs
semi join (select unnest($ids) as id) as wanted on wanted.id = crawl_run_id
"""

# What the versions insert runs under; reset after it, or after the rollback when the batch fails
# (a failed transaction refuses any statement but the rollback).
_VERSIONS_INSERT_SETTINGS: dict[str, str] = {
    # DuckDB guesses read_json's row count far too low and would build the join's hash table
    # from every record of the files rather than from the new versions (bench: +40% on this
    # statement, and the batch's records held in memory).
    "disabled_optimizers": "build_side_probe_side",
    # The versions' row order means nothing: DuckDB may then insert on every core without
    # keeping the files' order.
    "preserve_insertion_order": "false",
    # See VERSIONS_COMPRESSION.
    "force_compression": VERSIONS_COMPRESSION,
}

_TEMP_TABLES = ("batch_runs", "batch_postings", "batch_sightings", "batch_new_versions")


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


@dataclass(frozen=True)
class PendingRun:
    """A run ready to load: its manifest, and its landing file when it has postings to read."""

    manifest_path: Path
    manifest: RunManifest
    landing_path: Path | None
    landing_bytes: int
    source_file: str

    @property
    def crawl_run_id(self) -> str:
        """The run's id, from its manifest."""
        return self.manifest.crawl_run_id

    def outcome(self, **fields: Any) -> RunLoad:
        """A ``RunLoad`` for this run."""
        return RunLoad(self.crawl_run_id, self.manifest.source_key, self.manifest.status, **fields)


def find_manifests(landing_dir: Path) -> list[Path]:
    """Every run manifest under the landing directory, oldest run first."""
    return sorted(landing_dir.rglob(f"*{MANIFEST_SUFFIX}"), key=lambda path: path.name)


def find_abandoned(landing_dir: Path) -> list[Path]:
    """Landing files of runs that never finished (a crawl killed mid-run); never loaded."""
    return sorted(landing_dir.rglob(f"*{PART_SUFFIX}"))


def read_manifest(path: Path) -> RunManifest:
    """Read and check a run manifest (the landing contract's, ``scrapers.landing``)."""
    try:
        return RunManifest.read(path)
    except ManifestError as error:
        raise LoadError(str(error)) from error


def pending_run(manifest_path: Path, manifest: RunManifest) -> PendingRun:
    """Check that a run's landing file is there when the manifest reports postings."""
    run_id = manifest.crawl_run_id
    landing_name = manifest.landing_file
    landing_path = manifest.landing_path(manifest_path)
    size = landing_path.stat().st_size if landing_path is not None and landing_path.exists() else 0
    if manifest.postings > 0 and not size:
        raise LoadError(
            f"{manifest.source_key}: run {run_id} reports postings but its "
            f"landing file {landing_name} is missing or empty ({manifest_path.parent})"
        )
    source_file = str(landing_path.name if landing_path else manifest_path.name)
    return PendingRun(manifest_path, manifest, landing_path if size else None, size, source_file)


def connect(database: Target) -> duckdb.DuckDBPyConnection:
    """Open the warehouse for writing, creating the raw schema if needed.

    The file is attached, not opened, so that DuckDB takes the loader's ``ROW_GROUP_SIZE``
    (an option of ATTACH only); it is then the connection's default catalog, and DuckDB spills
    to ``<database>.tmp`` as it would for the file opened directly. A DuckLake is attached under
    the same name (``warehouse.lakehouse``) and spills to its local scratch directory.
    """
    if isinstance(database, Lakehouse):
        create_raw_schema(database)
        lake_connection = lakehouse.connect(
            database, config={"temp_directory": str(database.scratch_dir / "load.tmp")}
        )
        try:
            upgrade_raw(lake_connection)
        except Exception:
            lake_connection.close()
            raise
        return lake_connection
    database.parent.mkdir(parents=True, exist_ok=True)
    create_raw_schema(str(database))
    connection = duckdb.connect(config={"temp_directory": f"{database}.tmp"})
    try:
        # DuckDB 1.5 takes no parameter in ATTACH: the path is quoted as a literal.
        connection.execute(
            f"attach {lakehouse.sql_string(str(database))} as {WAREHOUSE_CATALOG} "
            f"(row_group_size {ROW_GROUP_SIZE:d})"
        )
        connection.execute(f"use {WAREHOUSE_CATALOG}")
        upgrade_raw(connection)
    except Exception:
        connection.close()
        raise
    # Small transactions (``load_run``) go to the WAL: checkpointing after every few of them cost
    # more than the inserts (bench: about 20% of a 100k-posting load run by run). ``load``
    # lowers the threshold for its batches, which are large (see there).
    _set_checkpoint_threshold(connection, RUN_CHECKPOINT_THRESHOLD)
    return connection


def upgrade_raw(connection: duckdb.DuckDBPyConnection) -> bool:
    """Bring a warehouse written by an earlier release to this raw schema; True if it changed.

    Earlier releases stored fields their spiders parsed beside each payload (``title``,
    ``description_text``...). They are derived data, now parsed from the payload in dbt, so
    they are dropped; the company each run's spider was given becomes the version's
    ``source_context``, as if the version had been landed by this release. Payloads, ids,
    hashes and every other table are kept as they are, so posting ids and version ids do not
    change. One transaction: a failure leaves the warehouse as it was.
    """
    from warehouse.schema import PARSED_AT_CRAWL_COLUMNS

    rows = connection.execute(
        "select column_name from information_schema.columns "
        "where table_catalog = current_database() and table_schema = 'raw' "
        "and table_name = 'posting_versions'"
    ).fetchall()
    columns = {row[0] for row in rows}
    stale = [name for name in PARSED_AT_CRAWL_COLUMNS if name in columns]
    if not stale and "source_context" in columns:
        return False
    connection.begin()
    try:
        # Only schema changes in this transaction: DuckDB 1.5 refuses to commit an UPDATE and
        # an ALTER of one table together, so the company becomes the context by changing the
        # column's type with USING, then its name.
        if "source_context" not in columns and "company_name" in columns:
            connection.execute(
                "alter table raw.posting_versions alter column company_name set data type "
                "varchar using coalesce(case when company_name is not null then "
                "cast(json_object('company', company_name) as varchar) end, '{}')"
            )
            connection.execute(
                "alter table raw.posting_versions rename column company_name to source_context"
            )
        elif "source_context" not in columns:
            connection.execute(
                "alter table raw.posting_versions add column source_context varchar default '{}'"
            )
        for name in stale:
            if name != "company_name":
                connection.execute(f"alter table raw.posting_versions drop column {name}")
        connection.commit()
    except Exception:
        connection.rollback()
        raise
    logger.info(
        "Upgraded raw.posting_versions: parsed columns dropped (%s); fields are parsed "
        "from the payloads by dbt",
        ", ".join(stale) or "none",
    )
    return True


def upgrade(database: Target) -> bool:
    """Upgrade the raw schema of an existing warehouse file in place (``upgrade_raw``).

    Raw tables added since the file was made (``raw.schedule_decisions``) are created, empty.
    """
    if not lakehouse.exists(database):
        return False
    create_raw_schema(database if isinstance(database, Lakehouse) else str(database))
    with lakehouse.open_database(database) as connection:
        found = connection.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'raw' and table_name = 'posting_versions'"
        ).fetchone()
        return bool(found and found[0]) and upgrade_raw(connection)


def already_loaded(connection: duckdb.DuckDBPyConnection, crawl_run_id: str) -> bool:
    """True when the run is in ``raw.crawl_runs`` already."""
    return bool(loaded_run_ids(connection, [crawl_run_id]))


def loaded_run_ids(connection: duckdb.DuckDBPyConnection, run_ids: Sequence[str]) -> set[str]:
    """The given runs that are in ``raw.crawl_runs`` already (one query)."""
    if not run_ids:
        return set()
    rows = connection.execute(_LOADED_RUN_IDS, {"ids": list(run_ids)}).fetchall()
    return {row[0] for row in rows}


def _describe(runs: Sequence[PendingRun]) -> str:
    """Name a batch in an error message: the run and its file, or the batch's extent."""
    if len(runs) == 1:
        run = runs[0]
        return f"{run.manifest.source_key}: run {run.crawl_run_id} ({run.source_file})"
    return (
        f"batch of {len(runs)} runs ({runs[0].crawl_run_id} ({runs[0].source_file}) .. "
        f"{runs[-1].crawl_run_id} ({runs[-1].source_file}))"
    )


def load_batch(
    connection: duckdb.DuckDBPyConnection,
    runs: Sequence[PendingRun],
    before_commit: Callable[[str], None] | None = None,
) -> list[RunLoad]:
    """Load several runs (none of them loaded yet) in one transaction: all of them or none.

    Returns one ``RunLoad`` per run, in order; raises ``LoadError`` after rolling back.
    ``before_commit`` is called with a step name between the statements (tests use it to inject
    crashes); it is never set in production.
    """
    if not runs:
        return []
    hook = before_commit or (lambda step: None)
    reading = [position for position, run in enumerate(runs) if run.landing_path is not None]
    paths = [str(runs[position].landing_path) for position in reading]
    loaded_at = datetime.now(UTC)
    sightings: dict[int, int] = {}
    new_versions: dict[int, int] = {}
    connection.begin()
    try:
        if reading:
            connection.execute(
                _STAGE_RUNS,
                {
                    "positions": reading,
                    "paths": paths,
                    "run_ids": [runs[position].crawl_run_id for position in reading],
                    "source_files": [runs[position].source_file for position in reading],
                },
            )
            largest = max(runs[position].landing_bytes for position in reading)
            read = {
                "paths": paths,
                "columns": LANDING_COLUMNS,
                "maximum_object_size": min(
                    MAXIMUM_OBJECT_SIZE, max(MINIMUM_OBJECT_SIZE, largest + 1)
                ),
            }
            connection.execute(_STAGE_POSTINGS, {**read, "columns": LIGHT_COLUMNS})
            connection.execute(_STAGE_SIGHTINGS)
            sightings = dict(connection.execute(_COUNT_SIGHTINGS).fetchall())
            if None in sightings:  # read_json renamed a file: its rows would be lost
                raise LoadError("read_json named a file that was not in the batch's list")
            hook("staged")
            connection.execute(_STAGE_NEW_VERSIONS)
            new_versions = dict(connection.execute(_COUNT_NEW_VERSIONS).fetchall())
            if new_versions:
                expected = sum(new_versions.values())
                row = connection.execute(_COUNT_VERSION_RECORDS).fetchone()
                repeats = bool(row and row[0] > expected)
                for name, value in _VERSIONS_INSERT_SETTINGS.items():
                    connection.execute(f"set {name} = $value", {"value": value})
                row = connection.execute(
                    _INSERT_VERSIONS_ONCE if repeats else _INSERT_VERSIONS,
                    {**read, "loaded_at": loaded_at},
                ).fetchone()
                _reset_versions_insert_settings(connection)
                inserted = row[0] if row else 0
                if inserted != expected:  # the two reads of the files disagree
                    raise LoadError(
                        f"the second read of the files found {inserted} of the "
                        f"{expected} new versions of the first"
                    )
            hook("versions")
            connection.execute(_INSERT_SIGHTINGS)
            hook("sightings")
        manifests = [run.manifest for run in runs]
        connection.execute(
            _INSERT_RUNS,
            {
                "crawl_run_id": [run.crawl_run_id for run in runs],
                "source_key": [m.source_key for m in manifests],
                "source_kind": [m.source_kind for m in manifests],
                "started_at": [m.started_at for m in manifests],
                "finished_at": [m.finished_at for m in manifests],
                "finish_reason": [m.finish_reason for m in manifests],
                "status": [m.status for m in manifests],
                "requests": [m.requests for m in manifests],
                "postings": [m.postings for m in manifests],
                "errors": [m.errors for m in manifests],
                "error_summary": [m.error_summary for m in manifests],
                "counters": [json.dumps(m.counters) for m in manifests],
                "source_file": [run.source_file for run in runs],
                "loaded_at": loaded_at,
            },
        )
        hook("run")
        connection.commit()
    except Exception as error:
        # The rollback and the cleanup must not bury the error that caused them (a full disk
        # can make DuckDB refuse them too): they are tried, and their own failures only logged.
        _quietly(connection.rollback, "roll back")
        _quietly(lambda: _reset_versions_insert_settings(connection), "reset settings")
        reason = describe_os_error(error) if is_disk_full(error) else str(error)
        raise LoadError(f"{_describe(runs)}: load rolled back: {reason}") from error
    finally:
        for table in _TEMP_TABLES:
            _quietly(functools.partial(_drop_table, connection, table), f"drop {table}")
    results = []
    for position, run in enumerate(runs):
        result = run.outcome(
            new_versions=new_versions.get(position, 0), sightings=sightings.get(position, 0)
        )
        logger.debug(
            "Loaded %s (%s): %d new versions, %d sightings",
            result.crawl_run_id,
            result.source_key,
            result.new_versions,
            result.sightings,
        )
        results.append(result)
    return results


def _drop_table(connection: duckdb.DuckDBPyConnection, table: str) -> None:
    connection.execute(f"drop table if exists {table}")


def _quietly(step: Callable[[], Any], what: str) -> None:
    """Run a cleanup step of a failed load; log, rather than raise, its own failure."""
    try:
        step()
    except Exception as error:
        logger.warning("After a failed load, could not %s: %s", what, error)


def load_run(
    connection: duckdb.DuckDBPyConnection,
    manifest_path: Path,
    before_commit: Callable[[str], None] | None = None,
) -> RunLoad:
    """Load one crawl run in one transaction; loading it again changes nothing.

    ``before_commit`` is called with a step name between the statements (tests use it to
    inject crashes); it is never set in production.
    """
    manifest = read_manifest(manifest_path)
    if already_loaded(connection, manifest.crawl_run_id):
        return RunLoad(manifest.crawl_run_id, manifest.source_key, manifest.status, skipped=True)
    [result] = load_batch(connection, [pending_run(manifest_path, manifest)], before_commit)
    return result


def _failed(path: Path, error: LoadError) -> RunLoad:
    """The report of a run that could not be loaded."""
    logger.error("%s", error)
    try:
        manifest = read_manifest(path)
        key, status = manifest.source_key, manifest.status
    except LoadError:
        key, status = "?", "?"
    return RunLoad(path.name.removesuffix(MANIFEST_SUFFIX), key, status, error=str(error))


def _load_one_by_one(
    connection: duckdb.DuckDBPyConnection, runs: Sequence[PendingRun]
) -> list[RunLoad]:
    """Load a failed batch's runs one transaction each, so only the bad ones fail."""
    outcomes = []
    _set_checkpoint_threshold(connection, RUN_CHECKPOINT_THRESHOLD)
    try:
        for run in runs:
            try:
                outcomes.append(load_run(connection, run.manifest_path))
            except LoadError as error:
                outcomes.append(_failed(run.manifest_path, error))
    finally:
        _set_checkpoint_threshold(connection, BATCH_CHECKPOINT_THRESHOLD)
    return outcomes


def _reset_versions_insert_settings(connection: duckdb.DuckDBPyConnection) -> None:
    """Give back DuckDB's own values of what the versions insert changed."""
    for name in _VERSIONS_INSERT_SETTINGS:
        connection.execute(f"reset {name}")


def _set_checkpoint_threshold(connection: duckdb.DuckDBPyConnection, threshold: str) -> None:
    """Set DuckDB's ``checkpoint_threshold`` (the WAL size that triggers a checkpoint)."""
    connection.execute("set checkpoint_threshold = $threshold", {"threshold": threshold})


def load(
    database: Target,
    landing_dir: Path,
    manifests: Iterable[Path] | None = None,
    progress: Callable[[int, int, RunLoad], None] | None = None,
    batch_bytes: int = BATCH_BYTES,
    memory_limit: str = MEMORY_LIMIT,
) -> LoadReport:
    """Load every finished run under ``landing_dir`` (or the given manifests) not yet loaded.

    Runs are loaded in batches of up to ``batch_bytes`` of landing files, one transaction each,
    with DuckDB held to ``memory_limit``. A batch that fails is rolled back and its runs loaded
    one by one: a run that fails alone is rolled back, reported and left for the next load; the
    other runs go on. ``progress`` is called once per manifest, in order, after its batch.
    """
    report = LoadReport(abandoned=find_abandoned(landing_dir))
    for path in report.abandoned:
        logger.warning("Ignoring %s: its crawl never finished (no manifest)", path)
    paths = list(manifests) if manifests is not None else find_manifests(landing_dir)
    connection = connect(database)
    try:
        connection.execute("set memory_limit = $limit", {"limit": memory_limit})
        # A batch commits hundreds of MB: above the threshold DuckDB checkpoints at the commit
        # and writes the batch straight into the database file, instead of into the WAL first
        # and into the file at the next checkpoint (bench: ~15% of the load).
        _set_checkpoint_threshold(connection, BATCH_CHECKPOINT_THRESHOLD)
        # Each batch's checkpoint would merge the previous batches' small row groups into one
        # ("vacuum"), compressing and writing the same postings again and again (bench: a
        # third of the load). raw is append-only, so there is nothing else to vacuum.
        connection.execute("set max_vacuum_tasks = 0")
        read: list[RunManifest | LoadError] = []
        for path in paths:
            try:
                read.append(read_manifest(path))
            except LoadError as error:
                read.append(error)
        loaded = loaded_run_ids(
            connection,
            [manifest.crawl_run_id for manifest in read if not isinstance(manifest, LoadError)],
        )
        # Manifests reported once the current batch is done, in order: each one's RunLoad
        # (skipped, or failed before loading) or its run in the batch.
        waiting: list[RunLoad | PendingRun] = []
        batch: list[PendingRun] = []
        batch_run_ids: set[str] = set()
        batch_size = 0

        def flush() -> None:
            nonlocal batch_size
            outcomes: dict[int, RunLoad] = {}
            if batch:
                try:
                    results = load_batch(connection, batch)
                except LoadError as error:
                    if len(batch) == 1:
                        results = [_failed(batch[0].manifest_path, error)]
                    else:
                        logger.warning("%s; loading its runs one by one", error)
                        results = _load_one_by_one(connection, batch)
                outcomes = {id(run): result for run, result in zip(batch, results, strict=True)}
                loaded.update(result.crawl_run_id for result in results if not result.error)
            for item in waiting:
                outcome = item if isinstance(item, RunLoad) else outcomes[id(item)]
                report.runs.append(outcome)
                if progress:
                    progress(len(report.runs), len(paths), outcome)
            waiting.clear()
            batch.clear()
            batch_run_ids.clear()
            batch_size = 0

        for path, manifest in zip(paths, read, strict=True):
            if isinstance(manifest, LoadError):
                waiting.append(_failed(path, manifest))
                continue
            run_id = manifest.crawl_run_id
            if run_id in batch_run_ids:
                flush()  # the same run twice: load the first, then skip (or retry) the second
            if run_id in loaded:
                waiting.append(RunLoad(run_id, manifest.source_key, manifest.status, skipped=True))
                continue
            try:
                run = pending_run(path, manifest)
            except LoadError as error:
                waiting.append(_failed(path, error))
                continue
            if batch and batch_size + run.landing_bytes > batch_bytes:
                flush()
            batch.append(run)
            batch_run_ids.add(run_id)
            batch_size += run.landing_bytes
            waiting.append(run)
        flush()
        if not isinstance(database, Lakehouse):  # a lake's CHECKPOINT is its maintenance
            connection.execute("checkpoint")
    finally:
        connection.close()
    return report
