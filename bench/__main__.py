"""``python -m bench [--size small|large]``: run every stage, print one table, write the JSON.

``make bench`` runs ``--size small`` (5-12 minutes on two shared cores), ``make bench-large``
runs ``--size large`` (a million postings; one to two hours, ~36 GB of scratch disk and ~14 GB
of memory at its peak). Data
are generated under ``bench/data/<size>/`` and deleted at the end unless ``--keep``. Results go
to ``bench/results/latest.json``; the table goes to standard output, progress to standard error.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench import catalogue, crawl, lakehouse, load, match, parse, transform, workers
from bench.corpus import DEFAULT_FIXTURES, write_landing
from bench.report import Row, format_table, write_json
from bench.terms import DEFAULT_TAXONOMIES

logger = logging.getLogger("bench")

BENCH_DIR = Path(__file__).resolve().parent
STAGES = (
    "load",
    "parse",
    "match",
    "crawl",
    "workers",
    "catalogue",
    "transform",
    "lakehouse",
)


@dataclass(frozen=True)
class Size:
    """How much data each stage works on."""

    load_postings: int
    match_postings: int
    boards: int
    jobs_per_board: int
    year: transform.YearShape
    #: The lakehouse stage: postings of the history, then of the one night measured.
    lake_history: int
    lake_night: int
    parallel: int = 16
    #: The crawl stage's recordings, ``(boards, jobs per board)``, each crawled by the runner
    #: and by the download-only spider; none means ``(boards, jobs_per_board)``.
    crawls: tuple[tuple[int, int], ...] = ()


SIZES = {
    "small": Size(100_000, 100_000, 400, 50, transform.SMALL, 20_000, 3_000),
    # The large crawl: 100,000 postings on 2,000 boards, and a million on 20,000.
    "large": Size(
        1_000_000,
        300_000,
        2_000,
        50,
        transform.LARGE,
        200_000,
        30_000,
        crawls=((2_000, 50), (20_000, 50)),
    ),
}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit 1 if a stage could not run at all."""
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument(
        "--stages", default=",".join(STAGES), help=f"comma-separated subset of {', '.join(STAGES)}"
    )
    parser.add_argument("--workdir", type=Path, help="scratch directory (default bench/data/SIZE)")
    parser.add_argument("--keep", action="store_true", help="keep the generated data")
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of each load side (the best is kept)"
    )
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--taxonomies", type=Path, default=DEFAULT_TAXONOMIES)
    parser.add_argument("--results", type=Path, default=BENCH_DIR / "results" / "latest.json")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(message)s",
        datefmt="%H:%M:%S",
    )
    size = SIZES[args.size]
    stages = [stage.strip() for stage in args.stages.split(",") if stage.strip()]
    unknown = set(stages) - set(STAGES)
    if unknown:
        parser.error(f"unknown stages: {', '.join(sorted(unknown))}")
    workdir = (args.workdir or BENCH_DIR / "data" / args.size).resolve()
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    started = time.monotonic()
    rows: list[Row] = []
    crashed = False
    landing = workdir / "landing"
    try:
        if {"load", "parse", "match"} & set(stages):
            corpus_size = max(
                size.load_postings if {"load", "parse"} & set(stages) else 0,
                size.match_postings if "match" in stages else 0,
            )
            corpus_started = time.monotonic()
            stats = write_landing(landing, corpus_size, seed=args.seed, fixtures_dir=args.fixtures)
            logger.info(
                "corpus: %d SYNTHETIC postings in %d runs (%s), %d cross-source duplicates, "
                "%d re-posts, %.0f B payload and %.0f B landing line per posting; %.0f s",
                stats.postings,
                stats.runs,
                stats.by_kind,
                stats.cross_source_duplicates,
                stats.reposts,
                stats.payload_bytes / stats.postings,
                stats.line_bytes / stats.postings,
                time.monotonic() - corpus_started,
            )
        plan: list[tuple[str, Callable[[], list[Row]]]] = [
            (
                "load",
                lambda: load.measure(workdir / "load", landing, size.load_postings, args.repeat),
            ),
            ("parse", lambda: parse.measure(landing, size.load_postings)),
            ("match", lambda: match.measure(landing, size.match_postings, args.taxonomies)),
            (
                "crawl",
                lambda: [
                    row
                    for boards, jobs in size.crawls or ((size.boards, size.jobs_per_board),)
                    for row in crawl.measure(
                        workdir / f"crawl-{boards}x{jobs}",
                        boards,
                        jobs,
                        args.seed,
                        size.parallel,
                        args.fixtures,
                    )
                ],
            ),
            (
                "workers",
                lambda: workers.measure(
                    workdir / "workers",
                    size.boards,
                    size.jobs_per_board,
                    args.seed,
                    size.parallel,
                    args.fixtures,
                ),
            ),
            ("catalogue", lambda: catalogue.measure(workdir / "catalogue", fixtures=args.fixtures)),
            (
                "transform",
                lambda: transform.run_stage(workdir / "transform", size.year, args.fixtures),
            ),
            (
                "lakehouse",
                lambda: lakehouse.measure(
                    workdir / "lakehouse",
                    size.lake_history,
                    size.lake_night,
                    args.seed,
                    args.fixtures,
                ),
            ),
        ]
        for stage, run in plan:
            if stage not in stages:
                continue
            stage_started = time.monotonic()
            logger.info("stage %s ...", stage)
            try:
                rows += run()
            except Exception as error:  # one broken stage must not hide the others
                logger.exception("stage %s failed", stage)
                crashed = True
                rows.append(
                    Row(
                        stage,
                        f"{stage} stage",
                        None,
                        "-",
                        "-",
                        None,
                        note=f"FAILED: {type(error).__name__}: {error}"[:500],
                    )
                )
            logger.info("stage %s took %.0f s", stage, time.monotonic() - stage_started)
            if stage == "match" and landing.exists() and not args.keep:
                shutil.rmtree(landing)  # free the disk before the crawl and transform
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
            if workdir.parent == BENCH_DIR / "data" and not any(workdir.parent.iterdir()):
                workdir.parent.rmdir()
    order = {
        stage: position
        for position, stage in enumerate(
            ("crawl", "workers", "catalogue", "load", "parse", "transform", "lakehouse", "match")
        )
    }
    rows.sort(key=lambda row: order.get(row.stage, len(order)))
    elapsed = time.monotonic() - started
    title = (
        f"postings bench --size {args.size} ({elapsed / 60:.1f} min wall; "
        f"SYNTHETIC data, seed {args.seed})"
    )
    sys.stdout.write(format_table(rows, title) + "\n")
    write_json(rows, args.results)
    logger.info("results written to %s", args.results)
    return 1 if crashed else 0


if __name__ == "__main__":
    raise SystemExit(main())
