"""Apply each kind's parser to stored posting versions, in Arrow batches (dbt's parse model).

``stg_raw__posting_versions_parsed`` (a dbt Python model) streams ``raw.posting_versions``
through :func:`parse_batches`: one output row per version, with the fields its kind's parser
(``scrapers/kinds/<kind>/parser.py``) reads from the payload. A payload that its parser cannot
read is kept, with its fields null and ``parse_error`` naming the source, the record and what
was wrong, so that one broken posting never stops the build and is never lost silently; so is a
record without a title (``parse_error`` says so), which is not a posting.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from scrapers.kinds import parser_for
from scrapers.parsing import TEXT_FIELDS, ParseContext, PostingFields

logger = logging.getLogger(__name__)

#: Columns of raw.posting_versions the parse model reads (the envelope).
INPUT_COLUMNS = (
    "source_kind",
    "source_key",
    "source_posting_id",
    "content_hash",
    "first_crawl_run_id",
    "first_fetched_at",
    "url",
    "payload",
    "payload_format",
    "source_context",
    "_source_file",
    "_loaded_at",
)

#: Envelope columns copied to the output as they are.
_CARRIED = (
    "source_kind",
    "source_key",
    "source_posting_id",
    "content_hash",
    "first_crawl_run_id",
    "first_fetched_at",
)


def output_schema(input_schema: pa.Schema) -> pa.Schema:
    """The parse model's columns: keys, the envelope's, every parsed field, the parse error."""
    fields: list[pa.Field[Any]] = [
        pa.field("posting_version_id", pa.string()),
        pa.field("posting_id", pa.string()),
        *(input_schema.field(name) for name in _CARRIED),
        pa.field("fetched_from_url", pa.string()),
        pa.field("payload_format", pa.string()),
        *(pa.field(name, pa.string()) for name in TEXT_FIELDS),
        pa.field("industry_labels", pa.list_(pa.string())),
        pa.field("parse_error", pa.string()),
        pa.field("loaded_from_file", pa.string()),
        input_schema.field("_loaded_at").with_name("loaded_at"),
    ]
    return pa.schema(fields)


def posting_version_id(source_key: str, source_posting_id: str, content_hash: str) -> str:
    """The version's key, as the ``surrogate_key`` macro builds it (md5 of the parts, ``|``)."""
    return hashlib.md5(
        f"{source_key}|{source_posting_id}|{content_hash}".encode(), usedforsecurity=False
    ).hexdigest()


def parse_one(row: dict[str, Any]) -> tuple[PostingFields, str | None]:
    """One stored version's fields, or empty fields and the error that stopped its parser."""
    try:
        context = json.loads(row["source_context"]) if row["source_context"] else {}
        if not isinstance(context, dict):
            context = {}
        parse = parser_for(row["source_kind"])
        fields = parse(
            row["payload"],
            ParseContext(
                source_kind=row["source_kind"],
                source_key=row["source_key"],
                source_posting_id=row["source_posting_id"],
                url=row["url"],
                context=context,
            ),
        )
    except Exception as error:  # one broken payload must never stop the build
        message = (
            f"{row['source_key']}: record {row['source_posting_id']}: "
            f"{type(error).__name__}: {error}"
        )[:500]
        logger.warning("Cannot parse %s", message)
        return PostingFields(), message
    if fields.title is None:
        # A record without a title is not a posting (staging lets it not pass); it is kept in raw.
        return fields, f"{row['source_key']}: record {row['source_posting_id']}: no title"
    return fields, None


def parse_batch(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    """Parse one batch of stored versions."""
    columns = {name: batch.column(name).to_pylist() for name in INPUT_COLUMNS}
    rows = len(batch)
    out: dict[str, list[Any]] = {name: [] for name in schema.names}
    for index in range(rows):
        row: dict[str, Any] = {name: values[index] for name, values in columns.items()}
        fields, error = parse_one(row)
        out["posting_version_id"].append(
            posting_version_id(row["source_key"], row["source_posting_id"], row["content_hash"])
        )
        out["posting_id"].append(f"{row['source_key']}:{row['source_posting_id']}")
        for name in _CARRIED:
            out[name].append(row[name])
        out["fetched_from_url"].append(row["url"])
        out["payload_format"].append(row["payload_format"])
        for name in TEXT_FIELDS:
            out[name].append(getattr(fields, name))
        out["industry_labels"].append(list(fields.industry_labels))
        out["parse_error"].append(error)
        out["loaded_from_file"].append(row["_source_file"])
        out["loaded_at"].append(row["_loaded_at"])
    arrays = [pa.array(out[field.name], type=field.type) for field in schema]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def parse_batches(reader: pa.RecordBatchReader) -> tuple[pa.Schema, Iterator[pa.RecordBatch]]:
    """The output schema and the parsed batches of a reader of stored versions (streamed)."""
    schema = output_schema(reader.schema)

    def batches() -> Iterator[pa.RecordBatch]:
        for batch in reader:
            if len(batch):
                yield parse_batch(batch, schema)

    return schema, batches()
