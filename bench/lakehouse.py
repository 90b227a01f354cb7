"""The nightly into a DuckLake (PostgreSQL catalog, local Parquet) beside the DuckDB file.

Both warehouses get the same SYNTHETIC landing files (``bench.corpus``): a history first
(loaded, built in full and published), then one night of postings, whose load, incremental
``dbt build`` and publish are the row. Each side runs the project's own steps, as ``postings
nightly`` runs them: for the file, the private build copy seeded from the public file, the load,
the build and the atomic rename (``warehouse.publish``); for the lake, the load and the build
straight into it and the one-row publish of its snapshot (``warehouse.lakehouse``). A
PostgreSQL server is started on 127.0.0.1 for the stage (``bench.postgres``) and stopped after.
Times are wall seconds in this process, on the shared machine; the ratio is file / lake.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from bench.corpus import DEFAULT_FIXTURES, write_landing
from bench.postgres import PostgresServer
from bench.report import Row

logger = logging.getLogger("bench")


def nightly_seconds(settings: object, landing: Path) -> float:
    """One night as the CLI runs it: build lock, load, dbt build, publish; wall seconds."""
    from warehouse.cli import building, publish
    from warehouse.config import Settings
    from warehouse.load import load
    from warehouse.pipeline import transform

    assert isinstance(settings, Settings)
    started = time.monotonic()
    with building(settings) as build:
        report = load(build, landing, memory_limit=settings.memory_limit)
        if report.failed:
            raise RuntimeError(f"the load failed: {report.failed[0].error}")
        if not transform(settings, build, "build"):
            raise RuntimeError("dbt build failed")
        publish(build, settings)
    return time.monotonic() - started


def measure(
    work: Path, history: int, night: int, seed: int, fixtures: Path = DEFAULT_FIXTURES
) -> list[Row]:
    """Rows: the first build and one nightly, DuckLake against the DuckDB file."""
    from warehouse.config import Settings

    history_landing, night_landing = work / "history", work / "night"
    write_landing(history_landing, history, seed=seed, fixtures_dir=fixtures)
    written = write_landing(night_landing, night, seed=seed + 1, fixtures_dir=fixtures)
    server = PostgresServer().start()
    try:
        sides = {
            "file": Settings(data_dir=work / "file", db=work / "file" / "warehouse.duckdb"),
            "lake": Settings(
                data_dir=work / "lake",
                warehouse=server.create_database("bench"),
                lake_data_path=str(work / "lake" / "data"),
            ),
        }
        seconds: dict[tuple[str, str], float] = {}
        for side, settings in sides.items():
            seconds[side, "history"] = nightly_seconds(settings, history_landing)
            # Only the night's runs are new: the loader skips the history's (already loaded).
            seconds[side, "night"] = nightly_seconds(settings, night_landing)
            logger.info(
                "lakehouse: %s first build %.1f s, nightly %.1f s",
                side,
                seconds[side, "history"],
                seconds[side, "night"],
            )
    finally:
        server.stop()
    note = (
        "SYNTHETIC; PostgreSQL catalog and Parquet on local disk; dbt threads 1 on the lake "
        "(2 on the file); the file's nightly includes seeding its build copy and the rename"
    )
    return [
        Row(
            "lakehouse",
            f"first build into DuckLake ({history:,} postings: load, dbt build, publish)",
            seconds["lake", "history"],
            "s",
            "the same into the DuckDB file",
            seconds["file", "history"],
            note=note,
        ),
        Row(
            "lakehouse",
            f"nightly into DuckLake (+{written.postings:,} postings: load, dbt build, publish)",
            seconds["lake", "night"],
            "s",
            "the same nightly into the DuckDB file",
            seconds["file", "night"],
        ),
    ]
