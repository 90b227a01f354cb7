"""A warehouse built by the previous release upgrades in place to the marts of a fresh build.

The previous release (commit f7160ab) stored the fields its spiders parsed in raw and built its
marts from them. ``tests/fixtures/previous_release/`` holds a warehouse it built with
``postings demo`` and the landing files of that run (see its README). Upgrading is one
``postings transform``: raw keeps every payload, loses the parsed columns, and every mart is
rebuilt from the payloads by this release's parsers. The result must equal a fresh warehouse
loaded by this release from the same landing files, posting ids included.
"""

from __future__ import annotations

import lzma
import shutil
import tarfile
from pathlib import Path

import duckdb
import pytest

from warehouse import pipeline
from warehouse.config import Settings
from warehouse.load import load

pytestmark = pytest.mark.slow

PREVIOUS = Path(__file__).resolve().parents[1] / "fixtures" / "previous_release"


def build(database: Path, work: Path) -> None:
    settings = Settings(db=database, data_dir=work)
    assert pipeline.transform(
        settings,
        database,
        "build",
        ["--target-path", str(work / "target"), "--log-path", str(work / "logs")],
    )


def marts(database: Path) -> dict[str, tuple[int, int]]:
    """Row count and an order-independent hash of every mart, load times left out.

    ``loaded_at`` columns say when this copy's loader ran, which differs between the two copies
    by construction; every other column must be equal.
    """
    with duckdb.connect(str(database), read_only=True) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' "
                "order by 1"
            ).fetchall()
        ]
        found = {}
        for table in tables:
            columns = [
                row[0]
                for row in connection.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = 'marts' and table_name = $table "
                    "and column_name not like '%loaded%' order by 1",
                    {"table": table},
                ).fetchall()
            ]
            listed = ", ".join(f'"{column}"' for column in columns)
            found[table] = connection.execute(
                f'select count(*), sum(hash(struct_pack({listed}))) from marts."{table}"'
            ).fetchone()
    return found


def test_a_previous_release_warehouse_upgrades_to_a_fresh_builds_marts(tmp_path):
    upgraded = tmp_path / "upgraded.duckdb"
    upgraded.write_bytes(lzma.decompress((PREVIOUS / "warehouse.duckdb.xz").read_bytes()))
    with tarfile.open(PREVIOUS / "landing.tar.xz") as archive:
        archive.extractall(tmp_path, filter="data")
    with duckdb.connect(str(upgraded), read_only=True) as connection:
        before_ids = {
            row[0]
            for row in connection.execute("select posting_id from marts.dim_postings").fetchall()
        }
        [(versions_before,)] = connection.execute(
            "select count(*) from raw.posting_versions"
        ).fetchall()

    build(upgraded, tmp_path / "upgrade")

    fresh = tmp_path / "fresh.duckdb"
    assert not load(fresh, tmp_path / "landing").failed
    build(fresh, tmp_path / "fresh")

    with duckdb.connect(str(upgraded), read_only=True) as connection:
        columns = {
            row[0]
            for row in connection.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'raw' and table_name = 'posting_versions'"
            ).fetchall()
        }
        [(versions_after,)] = connection.execute(
            "select count(*) from raw.posting_versions"
        ).fetchall()
        after_ids = {
            row[0]
            for row in connection.execute("select posting_id from marts.dim_postings").fetchall()
        }
        [(errors,)] = connection.execute(
            "select count(*) from staging.stg_raw__posting_versions_parsed "
            "where parse_error is not null"
        ).fetchall()
    assert "title" not in columns
    assert "description_text" not in columns
    assert "source_context" in columns
    assert versions_after == versions_before  # every stored payload kept
    assert errors == 0
    assert after_ids == before_ids  # the same postings, under the same ids
    assert len(after_ids) > 300
    upgraded_marts, fresh_marts = marts(upgraded), marts(fresh)
    assert upgraded_marts.keys() == fresh_marts.keys()
    assert {"dim_postings", "fct_posting_skills", "fct_posting_themes"} <= upgraded_marts.keys()
    assert {
        name: value for name, value in upgraded_marts.items() if value != fresh_marts[name]
    } == {}


def test_upgrading_twice_changes_nothing(tmp_path):
    database = tmp_path / "upgraded.duckdb"
    database.write_bytes(lzma.decompress((PREVIOUS / "warehouse.duckdb.xz").read_bytes()))
    build(database, tmp_path / "first")
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(database, copy)

    build(database, tmp_path / "second")

    assert marts(database) == marts(copy)
