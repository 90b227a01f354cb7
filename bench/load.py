"""Load stage: ``warehouse.load.load()`` beside DuckDB's own ``read_json`` of the same files.

Both run in a child process of their own on a fresh DuckDB file, so each peak RSS is its own,
and each child times itself from opening the database to closing it (after a checkpoint), so
interpreter start-up is left out of both. The baseline is the least work DuckDB can do with the
files: ``create table t as select * from read_json([...], format='newline_delimited',
columns=...)`` with the loader's own column list, no de-duplication, no keys, one transaction.

Run as a child: ``python -m bench.load loader|baseline --db FILE --landing DIR --out FILE``.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

from bench.proc import run_child, write_report
from bench.report import Row

logger = logging.getLogger(__name__)


def run_loader(database: Path, landing_dir: Path) -> dict[str, float]:
    """Time ``warehouse.load.load`` over every run of the landing directory (in the child)."""
    from warehouse.load import load

    started = time.perf_counter()
    report = load(database, landing_dir)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "rows": sum(run.sightings for run in report.runs),
        "new_versions": sum(run.new_versions for run in report.runs),
        "runs": len(report.runs),
        "failed": len(report.failed),
    }


def run_baseline(database: Path, landing_dir: Path) -> dict[str, float]:
    """Time DuckDB's own bulk read of the same landing files into a plain table (in the child)."""
    import duckdb

    from warehouse.load import LANDING_COLUMNS

    files = [str(path) for path in sorted(landing_dir.rglob("*.jsonl"))]
    started = time.perf_counter()
    connection = duckdb.connect(str(database))
    connection.execute(
        "create table t as select * from read_json($files, format = 'newline_delimited', "
        "columns = $columns, maximum_object_size = 536870912)",
        {"files": files, "columns": LANDING_COLUMNS},
    )
    row = connection.execute("select count(*) from t").fetchone()
    connection.execute("checkpoint")
    connection.close()
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": row[0] if row else 0, "files": len(files)}


def measure(workdir: Path, landing_dir: Path, postings: int, repeat: int = 1) -> list[Row]:
    """Run the loader and the baseline ``repeat`` times each (alternating); keep the best."""
    workdir.mkdir(parents=True, exist_ok=True)
    best: dict[str, tuple[float, float, dict[str, float]]] = {}
    for attempt in range(repeat):
        for role in ("baseline", "loader"):
            database = workdir / f"{role}.duckdb"
            for stale in workdir.glob(f"{role}.duckdb*"):
                stale.unlink()
            out = workdir / f"{role}.json"
            result = run_child(
                [
                    "bench.load",
                    role,
                    "--db",
                    str(database),
                    "--landing",
                    str(landing_dir),
                    "--out",
                    str(out),
                ],
                out,
                log_path=workdir / f"{role}.log",
            )
            if result.returncode != 0 or not result.report:
                raise RuntimeError(
                    f"load {role} failed ({result.returncode}): {result.stderr_tail}"
                )
            report = result.report
            rate = report["rows"] / report["seconds"]
            size = database.stat().st_size / 2**20
            logger.info(
                "load %s #%d: %d rows in %.1f s = %.0f rows/s, peak RSS %.0f MiB, file %.0f MiB",
                role,
                attempt + 1,
                report["rows"],
                report["seconds"],
                rate,
                result.max_rss_mib,
                size,
            )
            if role == "loader" and (report.get("failed") or report["rows"] != postings):
                raise RuntimeError(
                    f"loader loaded {report['rows']} of {postings} postings, "
                    f"{report.get('failed')} runs failed"
                )
            previous = best.get(role)
            if previous is None or rate > previous[0]:
                best[role] = (rate, result.max_rss_mib, {**report, "file_mib": size})
            for stale in workdir.glob(f"{role}.duckdb*"):
                stale.unlink()
    loader, baseline = best["loader"], best["baseline"]
    return [
        Row(
            "load",
            f"load(), {postings:,} postings in {int(loader[2]['runs'])} runs",
            loader[0],
            "rows/s",
            "duckdb read_json -> plain table",
            baseline[0],
            note=f"target >= 0.8x; DB file {loader[2]['file_mib']:.0f} MiB "
            f"vs {baseline[2]['file_mib']:.0f} MiB",
        ),
        Row("load", "load() peak RSS", loader[1], "MiB", "read_json peak RSS", baseline[1]),
    ]


def main(argv: list[str] | None = None) -> int:
    """Child entry point: run one side of the load benchmark and report its timing."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("role", choices=["loader", "baseline"])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    run = run_loader if args.role == "loader" else run_baseline
    write_report(args.out, run(args.db, args.landing))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
