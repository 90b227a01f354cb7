"""Every stored posting version, parsed from its payload by its kind's parser.

One row per row of ``raw.posting_versions``: the envelope's keys and the fields the kind's
``scrapers/kinds/<kind>/parser.py`` reads from the payload, values as published (text).
The parsing itself is ``warehouse.parse`` (tested in tests/warehouse/test_parse.py); typing and
cleaning, the same for every kind, is the next model, ``stg_raw__posting_versions``.

Incremental: a stored payload never changes, so a nightly build parses only the versions loaded
since the last build (at or after the largest ``loaded_at`` already parsed; those at the
watermark are parsed again and replace their rows). The parsers' code is part of the build's
fingerprint (``warehouse.pipeline.project_fingerprint``): when a parser changes, ``postings
transform`` rebuilds this model from every stored payload, so the fix reaches all of history.
"""

import pyarrow as pa

from warehouse.parse import INPUT_COLUMNS, parse_batches

#: Versions per Arrow batch: large enough for the scan to be cheap, small enough to stay bounded.
BATCH_SIZE = 2_000


def model(dbt, session):
    dbt.config(materialized="incremental", unique_key="posting_version_id",
               incremental_strategy="delete+insert")
    versions = dbt.source("raw", "posting_versions")
    if dbt.is_incremental:
        # fetchall, not fetchone: DuckDB 2.0 refuses more work on a connection whose result was
        # not read to the end.
        [(watermark,)] = session.execute(
            f"select cast(max(loaded_at) as varchar) from {dbt.this}").fetchall()
        if watermark is not None:
            versions = versions.filter(f"_loaded_at >= cast('{watermark}' as timestamptz)")
    reader = versions.select(", ".join(INPUT_COLUMNS)).to_arrow_reader(BATCH_SIZE)
    schema, batches = parse_batches(reader)
    return pa.RecordBatchReader.from_batches(schema, batches)
