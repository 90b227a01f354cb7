"""Parse stage: each kind's parser over stored payloads, beside ``json.loads`` of the same payloads.

Since parsing moved out of the spiders (a spider stores the payload as sent; dbt's parse model
``stg_raw__posting_versions_parsed`` applies the kind's parser to every stored version), its cost
is paid in the transform, on every full build and on each night's new versions. This stage
measures it on its own: :func:`warehouse.parse.parse_batch`, the very function the dbt model
streams Arrow batches through, over the SYNTHETIC landing corpus's envelopes (100,000 postings
small, 1,000,000 large), in CPU seconds of this process.

The baseline is the least any parser of a JSON payload must do: ``json.loads`` of each payload.
Both sides alternate batch by batch, and building the Arrow batches (reading the landing files)
is not timed.
"""

from __future__ import annotations

import itertools
import json
import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from bench.report import Row
from warehouse.parse import INPUT_COLUMNS, output_schema, parse_batch

logger = logging.getLogger(__name__)

#: The Arrow types of raw.posting_versions' envelope columns as the dbt model reads them.
_INPUT_SCHEMA = pa.schema(
    [
        pa.field(name, pa.string())
        for name in INPUT_COLUMNS
        if name not in ("first_fetched_at", "_loaded_at")
    ]
    + [
        pa.field("first_fetched_at", pa.timestamp("us", tz="UTC")),
        pa.field("_loaded_at", pa.timestamp("us", tz="UTC")),
    ]
)


def iter_rows(landing_dir: Path, limit: int) -> Iterator[dict[str, Any]]:
    """The first ``limit`` landing records as rows of ``raw.posting_versions``, streamed."""
    count = 0
    loaded_at = datetime.now(UTC)
    for path in sorted(landing_dir.rglob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                yield {
                    **{name: record.get(name) for name in INPUT_COLUMNS},
                    "first_crawl_run_id": record["crawl_run_id"],
                    "first_fetched_at": datetime.fromisoformat(record["fetched_at"]),
                    "source_context": json.dumps(record.get("source_context") or {}),
                    "_source_file": path.name,
                    "_loaded_at": loaded_at,
                }
                count += 1
                if count >= limit:
                    return


def measure(landing_dir: Path, postings: int, batch_size: int = 2_000) -> list[Row]:
    """Parse ``postings`` stored payloads with both sides, batch by batch; postings/s per core."""
    schema = output_schema(_INPUT_SCHEMA)
    seconds = {"parsers": 0.0, "baseline": 0.0}
    errors = 0
    done = 0
    rows = iter_rows(landing_dir, postings)
    for number in itertools.count():
        chunk = list(itertools.islice(rows, batch_size))
        if not chunk:
            break
        batch = pa.RecordBatch.from_pylist(chunk, schema=_INPUT_SCHEMA)
        payloads = [row["payload"] for row in chunk]
        order = ("parsers", "baseline") if number % 2 == 0 else ("baseline", "parsers")
        for side in order:
            started = time.process_time()
            if side == "parsers":
                parsed = parse_batch(batch, schema)
            else:
                for payload in payloads:
                    json.loads(payload)
            seconds[side] += time.process_time() - started
        errors += parsed.num_rows - parsed.column("parse_error").null_count
        done += len(chunk)
    if not done:
        raise RuntimeError(f"no landing records under {landing_dir}")
    rates = {side: done / spent for side, spent in seconds.items()}
    logger.info(
        "parse: %d payloads; parsers %.0f/s, json.loads %.0f/s, %d parse errors",
        done,
        rates["parsers"],
        rates["baseline"],
        errors,
    )
    return [
        Row(
            "parse",
            f"kind parsers (warehouse.parse), {done:,} payloads",
            rates["parsers"],
            "postings/s/core",
            "json.loads of each payload",
            rates["baseline"],
            note=f"CPU time of one process, Arrow batches of {batch_size:,}; "
            f"{errors} payloads the parsers could not read",
        )
    ]
