"""The raw schema, declared once in SQLAlchemy Core: the loader is its only writer.

``raw.posting_versions`` keeps one row per distinct payload of a posting (by content hash), so a
posting seen unchanged night after night is stored once. It holds the envelope only (ids, where
and when it was fetched, the payload as sent and the source context): nothing parsed, so that
dbt's parse model re-derives every field from history whenever a parser changes.
``raw.sightings`` keeps one light row per posting and crawl run, from which dbt derives
first/last seen and whether a posting is still open; ``raw.crawl_runs`` records every run of
every source, failed ones included, and doubles as the register of loaded landing files.

Keys: ``raw.crawl_runs`` and ``raw.posting_versions`` have primary keys; ``raw.sightings`` has
none, on purpose. It gains a row per posting and run (~11 million a year at 30,000 open postings
a night), and a primary key on its three text columns is an ART index of about 1 GB at that size
(bench, a synthetic year: a 9.0 GiB warehouse with it, 8.1 GiB without) that the loader holds and
extends on every insert (peak memory of a nightly load 4-10% higher), for no gain in speed. The
triple ``(crawl_run_id, source_key, source_posting_id)`` is unique all the same: the loader
writes a run's sightings, one per posting id, in the transaction that registers the run in
``raw.crawl_runs``, whose key refuses a second registration, so a run's sightings are written
once; dbt's source tests check the triple at every build.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
)

if TYPE_CHECKING:
    from warehouse.lakehouse import Lakehouse

SCHEMA = "raw"
metadata = MetaData(schema=SCHEMA)

crawl_runs = Table(
    "crawl_runs",
    metadata,
    Column("crawl_run_id", String, primary_key=True),
    Column(
        "source_key", String, nullable=False, comment="kind:identity, e.g. greenhouse:anthropic"
    ),
    Column("source_kind", String, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("finish_reason", String),
    Column(
        "status", String, nullable=False, comment="succeeded / partial / empty / skipped / failed"
    ),
    Column("requests", Integer, nullable=False),
    Column("postings", Integer, nullable=False),
    Column("errors", Integer, nullable=False),
    Column("error_summary", Text),
    Column("counters", JSON),
    Column("_source_file", String),
    Column("_loaded_at", DateTime(timezone=True), nullable=False),
)

posting_versions = Table(
    "posting_versions",
    metadata,
    Column("source_key", String, primary_key=True),
    Column("source_posting_id", String, primary_key=True),
    Column("content_hash", String, primary_key=True, comment="sha256 of the payload text"),
    Column("source_kind", String, nullable=False),
    Column("first_crawl_run_id", String, nullable=False),
    Column("first_fetched_at", DateTime(timezone=True), nullable=False),
    Column("url", Text, comment="where the payload was fetched from"),
    Column("payload", Text, nullable=False, comment="the record exactly as the source sent it"),
    Column("payload_format", String, nullable=False),
    Column(
        "source_context",
        Text,
        comment="JSON: what the kind's parser needs of the source entry (e.g. company)",
    ),
    Column("_source_file", String, nullable=False),
    Column("_loaded_at", DateTime(timezone=True), nullable=False),
)

sightings = Table(
    "sightings",
    metadata,
    Column("crawl_run_id", String, nullable=False),
    Column("source_key", String, nullable=False),
    Column("source_posting_id", String, nullable=False),
    Column("content_hash", String, nullable=False),
    Column("seen_at", DateTime(timezone=True), nullable=False),
)


schedule_decisions = Table(
    "schedule_decisions",
    metadata,
    Column("decided_at", DateTime(timezone=True), nullable=False, comment="when the night began"),
    Column("source_key", String, nullable=False),
    Column("schedule", String, nullable=False, comment="nightly / every N nights / weekly / auto"),
    Column("is_due", Boolean, nullable=False, comment="crawled that night"),
    Column("reason", Text, nullable=False, comment="why it was (or was not) crawled"),
    Column("interval_nights", Integer, nullable=False),
    Column("next_due_at", DateTime(timezone=True)),
    comment="One row per source and nightly run: the scheduler's decision (scrapers.schedule)",
)


def create_raw_schema(database: str | Path | Lakehouse) -> None:
    """Create the raw schema and its tables if they are missing (through duckdb-engine).

    A DuckLake has no primary keys: its tables are made from the same declarations without
    them (``lake_tables``). Nothing relies on the keys to refuse duplicates (the loader checks
    ``raw.crawl_runs`` and anti-joins the versions in the transaction that writes them); they
    are the DuckDB file's guard against a bug, and dbt's source tests check the keys in both.
    """
    from sqlalchemy import text

    from warehouse.lakehouse import Lakehouse

    if isinstance(database, Lakehouse):
        create_lake_tables(database)
        return
    create_database_file(Path(database))
    engine = create_engine(f"duckdb:///{database}")
    try:
        with engine.begin() as connection:
            connection.execute(text(f"create schema if not exists {SCHEMA}"))
            metadata.create_all(connection)
    finally:
        engine.dispose()


#: The storage format of a new warehouse file. DuckDB 1.5 writes files any 1.x release reads
#: unless told otherwise, and in that format it has no Zstandard for strings: the payloads would
#: be stored uncompressed (``warehouse.load.VERSIONS_COMPRESSION``; a test file 240 times larger).
STORAGE_VERSION = "v1.5.0"


def create_database_file(path: Path) -> None:
    """Create an empty warehouse file in ``STORAGE_VERSION`` format if there is none."""
    import duckdb

    from warehouse.lakehouse import sql_string

    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as connection:
        connection.execute(
            f"attach {sql_string(str(path))} as new_warehouse "
            f"(storage_version {sql_string(STORAGE_VERSION)})"
        )


def lake_tables() -> MetaData:
    """The raw tables as a DuckLake takes them: the same columns, no primary keys."""
    lake = MetaData(schema=SCHEMA)
    for table in metadata.sorted_tables:
        Table(
            table.name,
            lake,
            *(
                Column(
                    column.name,
                    column.type,
                    nullable=column.nullable and not column.primary_key,
                    comment=column.comment,
                )
                for column in table.columns
            ),
            comment=table.comment,
        )
    return lake


def create_lake_tables(lake: Lakehouse) -> None:
    """Create the raw schema and tables in a DuckLake if they are missing (DDL compiled by
    duckdb-engine's dialect, run on the lake's connection)."""
    from duckdb_engine import Dialect
    from sqlalchemy.schema import CreateTable

    from warehouse.lakehouse import connect

    dialect = Dialect()
    with connect(lake) as connection:
        connection.execute(f"create schema if not exists {SCHEMA}")
        for table in lake_tables().sorted_tables:
            connection.execute(str(CreateTable(table, if_not_exists=True).compile(dialect=dialect)))


#: Columns of ``raw.posting_versions`` that earlier releases filled with fields parsed at crawl
#: time. ``warehouse.load.upgrade_raw`` drops them: fields are now parsed from the payload.
PARSED_AT_CRAWL_COLUMNS = (
    "title",
    "company_name",
    "location",
    "remote",
    "department",
    "employment_type",
    "posted_at",
    "description",
    "description_format",
    "description_text",
)
