"""Build privately, publish atomically: analysts never see a half-built warehouse.

DuckDB allows one writing process per file, and a reader that holds the file open would make a
writer fail at once. So the loader and dbt never write the file analysts open
(``POSTINGS_DB``): they write a private build copy beside it (``.build/<name>``), and only when
a step has succeeded is that copy published — checkpointed, copied next to the public file and
renamed over it in one atomic step. A reader that has the old file open keeps reading the old
snapshot; the next reader opens the new one. A failed dbt build publishes nothing, so the public
warehouse stays at the last good night while the build copy keeps what was loaded.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb

logger = logging.getLogger(__name__)


class WarehouseBusyError(RuntimeError):
    """Another process is building the warehouse."""


def build_path(public: Path) -> Path:
    """The private build copy of a public warehouse file."""
    return public.parent / ".build" / public.name


@contextlib.contextmanager
def building(public: Path) -> Iterator[Path]:
    """Hold the build lock and yield the build copy's path, seeding it from the public file.

    Only one process builds at a time; a second one fails at once with a clear message
    instead of DuckDB's lock error halfway through its work.
    """
    build = build_path(public)
    build.parent.mkdir(parents=True, exist_ok=True)
    lock_path = build.with_name(build.name + ".lock")
    with lock_path.open("a+") as lock:
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise WarehouseBusyError(
                f"another postings process is building {public} (lock {lock_path})") from error
        try:
            if not build.exists() and public.exists():
                logger.info("Seeding the build copy %s from %s", build, public)
                shutil.copyfile(public, build)
            yield build
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


def publish(build: Path, public: Path) -> None:
    """Make the build copy the public warehouse in one atomic rename."""
    with duckdb.connect(str(build)) as connection:
        connection.execute("checkpoint")
    public.parent.mkdir(parents=True, exist_ok=True)
    staging = public.with_name(f".{public.name}.publishing-{os.getpid()}")
    try:
        shutil.copyfile(build, staging)
        with staging.open("rb+") as handle:
            os.fsync(handle.fileno())
        # A WAL left by someone who wrote the public file directly belongs to the old file and
        # must never be replayed on the new one.
        public.with_name(public.name + ".wal").unlink(missing_ok=True)
        staging.replace(public)
    finally:
        staging.unlink(missing_ok=True)
    logger.info("Published %s", public)
