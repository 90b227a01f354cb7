"""Parsing stored versions in Arrow batches (warehouse.parse, dbt's parse model)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pyarrow as pa

from tests.warehouse.landing import synthetic_posting
from warehouse.parse import INPUT_COLUMNS, parse_batches, posting_version_id

LOADED_AT = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


def stored(record: dict, **overrides: object) -> dict:
    """A raw.posting_versions row for a landing record."""
    row = {
        "source_kind": record["source_kind"],
        "source_key": record["source_key"],
        "source_posting_id": record["source_posting_id"],
        "content_hash": record["content_hash"],
        "first_crawl_run_id": "run-1",
        "first_fetched_at": LOADED_AT,
        "url": record["url"],
        "payload": record["payload"],
        "payload_format": "json",
        "source_context": json.dumps(record["source_context"]),
        "_source_file": "run-1.jsonl",
        "_loaded_at": LOADED_AT,
    }
    row.update(overrides)
    return row


def parse_rows(rows: list[dict]) -> list[dict]:
    table = pa.Table.from_pylist(
        rows,
        schema=pa.schema(
            [
                *(pa.field(name, pa.string()) for name in INPUT_COLUMNS[:5]),
                pa.field("first_fetched_at", pa.timestamp("us", tz="UTC")),
                *(pa.field(name, pa.string()) for name in INPUT_COLUMNS[6:11]),
                pa.field("_loaded_at", pa.timestamp("us", tz="UTC")),
            ]
        ),
    )
    schema, batches = parse_batches(table.to_reader(max_chunksize=2))
    return pa.Table.from_batches(list(batches), schema=schema).to_pylist()


def test_each_version_is_parsed_by_its_kinds_parser():
    greenhouse = synthetic_posting(
        "greenhouse:acme", "1", title="ML Engineer", location="London, UK"
    )
    lever = synthetic_posting(
        "lever:beta", "a", title="Data Scientist", description_text="Python & SQL"
    )

    rows = parse_rows([stored(greenhouse), stored(lever)])

    assert [
        (row["posting_id"], row["title"], row["company_name"], row["parse_error"]) for row in rows
    ] == [
        ("greenhouse:acme:1", "ML Engineer", "Example Co", None),
        ("lever:beta:a", "Data Scientist", "Example Co", None),
    ]
    assert rows[0]["location"] == "London, UK"
    assert rows[1]["description_text"] == "Python & SQL"
    assert rows[0]["posting_version_id"] == posting_version_id(
        "greenhouse:acme", "1", greenhouse["content_hash"]
    )
    assert rows[0]["loaded_at"] == LOADED_AT
    assert rows[0]["fetched_from_url"] == greenhouse["url"]


def test_posting_version_id_matches_the_surrogate_key_macro():
    import duckdb

    with duckdb.connect() as connection:
        [(expected,)] = connection.execute(
            "select md5(concat_ws('|', 'greenhouse:acme', '1', 'abc'))"
        ).fetchall()

    assert posting_version_id("greenhouse:acme", "1", "abc") == expected


def test_a_payload_its_parser_cannot_read_is_kept_and_named():
    good = synthetic_posting("greenhouse:acme", "1")
    broken = synthetic_posting("greenhouse:acme", "2")

    rows = parse_rows(
        [
            stored(good),
            stored(broken, payload="{not json"),
            stored(good, source_kind="no_such_kind", source_posting_id="3"),
        ]
    )

    assert [row["source_posting_id"] for row in rows] == ["1", "2", "3"]
    assert rows[0]["parse_error"] is None
    assert rows[1]["title"] is None
    assert rows[1]["parse_error"].startswith("greenhouse:acme: record 2: JSONDecodeError:")
    assert "unknown source kind 'no_such_kind'" in rows[2]["parse_error"]


def test_a_missing_source_context_falls_back_to_the_identity():
    record = synthetic_posting("lever:beta", "a")

    [row] = parse_rows([stored(record, source_context=None)])

    assert row["company_name"] == "beta"
    assert row["parse_error"] is None
