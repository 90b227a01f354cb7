"""Build privately, publish atomically: analysts never see a half-built warehouse.

DuckDB allows one writing process per file, and a reader that holds the file open would make a
writer fail at once. So the loader and dbt never write the file analysts open
(``POSTINGS_DB``): they write a private build copy beside it (``.build/<name>``), and only when
a step has succeeded is that copy published — checkpointed and renamed over the public file in
one atomic step. A reader that has the old file open keeps reading the old snapshot; the next
reader opens the new one. Renaming the build copy itself (rather than copying it beside the public
file first) means publishing never needs a third full copy of the warehouse on disk; the next
build seeds a new copy from the public file. Only where a rename cannot work (the build directory
on another file system) is the copy made, beside the public file. A failed dbt build publishes
nothing, so the public warehouse stays at the last good night while the build copy keeps what was
loaded. What a publish or a load that died left behind is removed at the next start.
"""

from __future__ import annotations

import contextlib
import errno
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
    with build_lock(build.with_name(build.name + ".lock"), str(public)):
        clean_leftovers(public)
        if not build.exists() and public.exists():
            logger.info("Seeding the build copy %s from %s", build, public)
            shutil.copyfile(public, build)
        yield build


@contextlib.contextmanager
def build_lock(lock_path: Path, warehouse: str) -> Iterator[None]:
    """Hold the exclusive build lock ``lock_path``; fail at once if another process holds it."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a+") as lock:
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise WarehouseBusyError(
                f"another postings process is building {warehouse} (lock {lock_path})"
            ) from error
        try:
            yield
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


def clean_leftovers(public: Path) -> list[Path]:
    """Remove what a publish or a load that died left behind (called under the build lock).

    ``.<name>.publishing-<pid>`` copies of a publish that was killed or ran out of disk, and the
    loader's spill directory ``.build/<name>.tmp``: nobody else can be using them while the lock
    is held.
    """
    removed = []
    for path in sorted(public.parent.glob(f".{public.name}.publishing-*")):
        path.unlink(missing_ok=True)
        removed.append(path)
    spill = build_path(public).with_name(build_path(public).name + ".tmp")
    if spill.is_dir():
        shutil.rmtree(spill, ignore_errors=True)
        removed.append(spill)
    for path in removed:
        logger.warning("Removed %s, left behind by a run that did not finish", path)
    return removed


def publish(build: Path, public: Path) -> None:
    """Make the build copy the public warehouse in one atomic rename (the copy is moved)."""
    with duckdb.connect(str(build)) as connection:
        connection.execute("checkpoint")
    public.parent.mkdir(parents=True, exist_ok=True)
    with build.open("rb+") as handle:
        os.fsync(handle.fileno())
    # A WAL left by someone who wrote the public file directly belongs to the old file and must
    # never be replayed on the new one; the build copy's own WAL is empty after the checkpoint.
    public.with_name(public.name + ".wal").unlink(missing_ok=True)
    build.with_name(build.name + ".wal").unlink(missing_ok=True)
    try:
        build.replace(public)
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
        _publish_by_copy(build, public)  # another file system: copy beside it, then rename
    logger.info("Published %s", public)


def _publish_by_copy(build: Path, public: Path) -> None:
    """Publish across file systems: copy next to the public file, then rename it over."""
    staging = public.with_name(f".{public.name}.publishing-{os.getpid()}")
    try:
        shutil.copyfile(build, staging)
        with staging.open("rb+") as handle:
            os.fsync(handle.fileno())
        staging.replace(public)
    finally:
        staging.unlink(missing_ok=True)
