"""The warehouse as a DuckLake: a catalog database (PostgreSQL) and Parquet files, no single file.

The default warehouse is one DuckDB file, built privately and published by a rename
(``warehouse.publish``). That does not hold once the warehouse outgrows one machine: one writer
per file, and a publish that copies the whole file. A DuckLake keeps its tables' metadata in a
catalog database and their data in Parquet files under a data path (a directory or an
S3-compatible URL); any number of DuckDB processes, on any machine that reaches both, read it
while one writes, and every committed transaction is a numbered snapshot.

``POSTINGS_WAREHOUSE=ducklake:<catalog>`` selects it (``ducklake:postgres:dbname=postings
host=... user=...``; see the README), with ``POSTINGS_LAKE_DATA_PATH`` for the data. The loader
and dbt then write into the lake directly (attached as the ``warehouse`` catalog, the name the
loader gives the DuckDB file too), with the same guarantees: a load batch is one transaction, so
one snapshot or nothing.

A nightly is many transactions (the load, then every dbt model), so the latest snapshot may show
a night half-built, or a failed build. Readers therefore never read the latest snapshot: a
successful night ends by recording its last snapshot in ``meta.published_snapshots``
(:func:`publish`), and readers attach the lake at the newest snapshot recorded there
(:func:`connect_published`), which is a complete, tested night. Publishing is one small insert,
whatever the warehouse's size; a failed build publishes nothing, and readers stay on the last
good night. Snapshots older than ``lake_keep_days`` (never the published one) are expired and
their files deleted after each publish.

The DuckLake and PostgreSQL extensions come from PyPI packages of the pinned DuckDB release
(``duckdb-extension-ducklake``, ``-postgres``, ``-httpfs``): DuckDB cannot download extensions
here. :func:`install_extensions` installs them from those packages into DuckDB's extension
directory on first use.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

logger = logging.getLogger(__name__)

#: The catalog name the lake is attached under: the same as the loader's DuckDB file
#: (``warehouse.load.WAREHOUSE_CATALOG``), so that the SQL of both is the same.
ALIAS = "warehouse"
SCHEME = "ducklake:"
#: Where a successful night records its last snapshot: readers attach at the newest one.
PUBLISHED_TABLE = "meta.published_snapshots"
#: The extensions a lake may need, by what the catalog and the data path are.
_EXTENSIONS = {"ducklake": "ducklake", "postgres": "postgres_scanner", "httpfs": "httpfs"}


class LakehouseError(RuntimeError):
    """The lake cannot be reached or used; the message names it (without its password)."""


def is_lakehouse(warehouse: str | None) -> bool:
    """True when a ``warehouse`` setting names a DuckLake (``ducklake:...``)."""
    return bool(warehouse) and str(warehouse).strip().lower().startswith(SCHEME)


def sql_string(value: str) -> str:
    """A SQL string literal (ATTACH options take no parameters)."""
    return "'" + value.replace("'", "''") + "'"


_SECRET = re.compile(r"(password\s*=\s*)([^\s\"']+)", re.IGNORECASE)


def hide_password(text: str) -> str:
    """``text`` with the value of every ``password=`` replaced by ``***``."""
    return _SECRET.sub(r"\1***", text)


@dataclass(frozen=True)
class Lakehouse:
    """A DuckLake warehouse: its catalog, its data path, and a local directory for scratch."""

    #: What follows ``ducklake:`` (e.g. ``postgres:dbname=postings host=127.0.0.1``).
    catalog: str
    #: Where the Parquet files are: a directory or an ``s3://`` URL.
    data_path: str
    #: A local directory for the build lock and DuckDB's spill files.
    scratch_dir: Path
    keep_days: float = 7.0
    #: DuckDB's S3 secret for an ``s3://`` data path (key_id, secret, region, endpoint,
    #: url_style, use_ssl); empty: DuckDB's defaults. Never shown (``repr``) or logged.
    s3: dict[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def from_setting(
        cls,
        warehouse: str,
        data_path: str,
        scratch_dir: Path,
        keep_days: float = 7.0,
        s3: dict[str, str] | None = None,
    ) -> Lakehouse:
        """Read ``POSTINGS_WAREHOUSE`` / ``POSTINGS_LAKE_DATA_PATH``."""
        catalog = warehouse.strip()[len(SCHEME) :]
        if not catalog:
            raise LakehouseError(f"the warehouse setting {warehouse!r} names no DuckLake catalog")
        if not data_path:
            raise LakehouseError(f"the DuckLake {warehouse!r} needs a data path (lake_data_path)")
        if "://" not in data_path:
            data_path = str(Path(data_path).expanduser().resolve()) + "/"
        return cls(catalog, data_path, scratch_dir, keep_days, dict(s3 or {}))

    @property
    def name(self) -> str:
        """The lake as messages name it: its catalog without a password, and its data path."""
        catalog = hide_password(self.catalog)
        return f"{SCHEME}{catalog} (data {self.data_path})"

    @property
    def lock_path(self) -> Path:
        """The local build lock: one nightly writes the lake at a time on this machine."""
        return self.scratch_dir / "lake.lock"

    def exists(self) -> bool:
        """A lake is always there to write to (attaching creates it)."""
        return True

    def attach_sql(self, read_only: bool = False, snapshot: int | None = None) -> str:
        """The ATTACH statement of this lake as ``warehouse``."""
        options = []
        if not read_only:
            options.append(f"data_path {sql_string(self.data_path)}")
        else:
            options.append("read_only")
        if snapshot is not None:
            options.append(f"snapshot_version {int(snapshot):d}")
        return f"attach {sql_string(SCHEME + self.catalog)} as {ALIAS} ({', '.join(options)})"

    @property
    def on_object_store(self) -> bool:
        """True when the data path is an S3-compatible URL."""
        return self.data_path.lower().startswith(("s3://", "gs://", "r2://"))

    def secret_sql(self) -> str | None:
        """The ``CREATE SECRET`` of the S3 credentials, or None without an object store."""
        if not self.on_object_store:
            return None
        options = ["type s3"]
        for name, value in sorted(self.s3.items()):
            if value == "":
                continue
            if name == "use_ssl":
                options.append(f"use_ssl {'true' if value.lower() == 'true' else 'false'}")
            else:
                options.append(f"{name} {sql_string(value)}")
        return f"create or replace secret postings_lake_s3 ({', '.join(options)})"

    def extensions(self) -> list[str]:
        """The extensions this lake needs beside DuckLake's own."""
        # httpfs always: dbt's profile declares the lake's S3 secret, which needs it.
        needed = ["ducklake", "httpfs"]
        if self.catalog.lower().startswith("postgres:"):
            needed.append("postgres")
        return needed


def install_extensions(connection: duckdb.DuckDBPyConnection, names: list[str]) -> None:
    """Install (once) and load the extensions from their PyPI packages; never downloads."""
    from duckdb_extensions import import_extension  # type: ignore[import-untyped]

    installed = {
        row[0]
        for row in connection.execute(
            "select extension_name from duckdb_extensions() where installed"
        ).fetchall()
    }
    for name in names:
        if _EXTENSIONS[name] not in installed:
            logger.info("Installing DuckDB's %s extension from its Python package", name)
            import_extension(name, con=connection)
        connection.execute(f"load {_EXTENSIONS[name]}")


def connect(
    lake: Lakehouse,
    read_only: bool = False,
    snapshot: int | None = None,
    config: dict[str, Any] | None = None,
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the lake attached as ``warehouse`` and in use.

    Raises :class:`LakehouseError` naming the lake when its catalog cannot be reached.
    """
    connection = duckdb.connect(config=dict(config or {}))
    try:
        install_extensions(connection, lake.extensions())
        secret = lake.secret_sql()
        if secret is not None:
            connection.execute(secret)
        connection.execute(lake.attach_sql(read_only, snapshot))
        connection.execute(f"use {ALIAS}")
    except duckdb.Error as error:
        connection.close()
        raise LakehouseError(
            f"cannot open the DuckLake {lake.name}: {hide_password(str(error))}"
        ) from error
    return connection


def check(lake: Lakehouse) -> None:
    """Fail at once, naming the lake, when its catalog or data path cannot be used."""
    connect(lake).close()


def published_snapshot(lake: Lakehouse) -> int | None:
    """The snapshot of the newest published night, or None when nothing was published."""
    try:
        connection = connect(lake, read_only=True)
    except LakehouseError as error:
        if "creating a new DuckLake is explicitly disabled" in str(error):
            return None  # the catalog database is there, the lake was never made in it
        raise
    with connection:
        try:
            row = connection.execute(f"select max(snapshot_id) from {PUBLISHED_TABLE}").fetchone()
        except duckdb.CatalogException:
            return None
    return int(row[0]) if row and row[0] is not None else None


def connect_published(
    lake: Lakehouse, config: dict[str, Any] | None = None
) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the newest published night of the lake (what analysts read)."""
    snapshot = published_snapshot(lake)
    if snapshot is None:
        raise LakehouseError(f"nothing was published in the DuckLake {lake.name} yet")
    return connect(lake, read_only=True, snapshot=snapshot, config=config)


def current_snapshot(connection: duckdb.DuckDBPyConnection) -> int:
    """The newest committed snapshot of the lake attached on ``connection``."""
    row = connection.execute(f"select id from ducklake_current_snapshot('{ALIAS}')").fetchone()
    assert row is not None
    return int(row[0])


def publish(lake: Lakehouse) -> int:
    """Make the lake's newest snapshot the one readers see; returns it.

    The night's last snapshot is recorded (the insert that records it is one more snapshot,
    which changes nothing else). Then snapshots older than ``keep_days`` are expired, never the
    one just published, and the files only they used are deleted.
    """
    with connect(lake) as connection:
        connection.execute("create schema if not exists meta")
        connection.execute(
            f"create table if not exists {PUBLISHED_TABLE} "
            "(snapshot_id bigint not null, published_at timestamptz not null)"
        )
        snapshot = current_snapshot(connection)
        connection.execute(
            f"insert into {PUBLISHED_TABLE} values ($snapshot, now())", {"snapshot": snapshot}
        )
        expire(connection, snapshot, lake.keep_days)
    logger.info("Published snapshot %d of %s", snapshot, lake.name)
    return snapshot


def expire(connection: duckdb.DuckDBPyConnection, published: int, keep_days: float) -> None:
    """Expire the snapshots older than ``keep_days`` and than ``published``; delete their files.

    Readers of the nights published within ``keep_days`` keep their snapshot; the published one
    is never expired, however old (a week of failed builds keeps the last good night).
    """
    if keep_days <= 0:
        return
    row = connection.execute(
        f"select least(now() - to_seconds($seconds), "
        f"(select snapshot_time from ducklake_snapshots('{ALIAS}') where snapshot_id = $id))",
        {"seconds": int(keep_days * 86400), "id": published},
    ).fetchone()
    if row is None or row[0] is None:
        return
    connection.execute(
        f"call ducklake_expire_snapshots('{ALIAS}', older_than => $cutoff)", {"cutoff": row[0]}
    )
    connection.execute(
        f"call ducklake_cleanup_old_files('{ALIAS}', older_than => $cutoff)", {"cutoff": row[0]}
    )


@contextlib.contextmanager
def building(lake: Lakehouse) -> Iterator[Lakehouse]:
    """Hold this machine's build lock of the lake and check that the lake answers."""
    from warehouse.publish import build_lock

    with build_lock(lake.lock_path, lake.name):
        check(lake)
        yield lake


#: A warehouse: the DuckDB file's path, or a DuckLake.
Target = Path | Lakehouse


def open_database(
    target: Target, read_only: bool = False, config: dict[str, Any] | None = None
) -> duckdb.DuckDBPyConnection:
    """Open a warehouse for the writer (the build copy, or the lake at its newest snapshot)."""
    if isinstance(target, Lakehouse):
        return connect(target, read_only=read_only, config=config)
    return duckdb.connect(str(target), read_only=read_only, config=dict(config or {}))


def open_published(
    target: Target, config: dict[str, Any] | None = None
) -> duckdb.DuckDBPyConnection:
    """Open a warehouse as analysts read it: the public file, or the lake's published night."""
    if isinstance(target, Lakehouse):
        return connect_published(target, config=config)
    return duckdb.connect(str(target), read_only=True, config=dict(config or {}))


def lock_down(connection: duckdb.DuckDBPyConnection, lake: Lakehouse) -> None:
    """After the attach: no file but the lake's data, no extension, no more setting changes.

    What ``postings query`` asks of a DuckDB file (``enable_external_access = false`` from the
    start) cannot be asked before a lake is attached, as attaching reaches its catalog and its
    files; so it is set right after, with the data path the only one still readable.
    """
    connection.execute("set allowed_directories = $paths", {"paths": [lake.data_path]})
    for statement in (
        "set enable_external_access = false",
        "set autoinstall_known_extensions = false",
        "set autoload_known_extensions = false",
        "set allow_community_extensions = false",
        "set lock_configuration = true",
    ):
        connection.execute(statement)


def exists(target: Target) -> bool:
    """True when the warehouse is there (a lake always is: attaching creates it)."""
    return target.exists()
