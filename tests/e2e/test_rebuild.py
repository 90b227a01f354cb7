"""A warehouse file this release's DuckDB cannot open is rebuilt from the landing files.

The project moved from DuckDB 2.0.1 to 1.5.5 (the DuckLake extension exists as a package only
for 1.5), and 1.5 cannot open a file 2.0 wrote. ``tests/fixtures/previous_release/`` keeps a
real one: the previous release's demo warehouse as DuckDB 2.0.1 wrote it, beside the landing
files of that run and the same warehouse carried over to 1.5 (its README).
"""

from __future__ import annotations

import lzma
import tarfile
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from warehouse.cli import app
from warehouse.config import get_settings

pytestmark = pytest.mark.slow

PREVIOUS = Path(__file__).resolve().parents[1] / "fixtures" / "previous_release"


def raw_counts(database: Path) -> tuple[int, ...]:
    with duckdb.connect(str(database), read_only=True) as connection:
        row = connection.execute(
            "select (select count(*) from raw.crawl_runs), "
            "(select count(*) from raw.posting_versions), (select count(*) from raw.sightings)"
        ).fetchone()
    assert row is not None
    return tuple(row)


def test_a_file_of_duckdb_2_is_named_and_rebuilt_from_the_landing_files(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    with tarfile.open(PREVIOUS / "landing.tar.xz") as archive:
        archive.extractall(data, filter="data")
    database = data / "warehouse.duckdb"
    database.write_bytes(
        lzma.decompress((PREVIOUS / "warehouse-duckdb-2.0.1.duckdb.xz").read_bytes())
    )
    carried = tmp_path / "carried.duckdb"  # the same warehouse, carried over to DuckDB 1.5
    carried.write_bytes(lzma.decompress((PREVIOUS / "warehouse.duckdb.xz").read_bytes()))
    monkeypatch.setenv("POSTINGS_DATA_DIR", str(data))
    monkeypatch.setenv("POSTINGS_DB", str(database))
    get_settings.cache_clear()
    try:
        refused = CliRunner().invoke(app, ["load"])
        rebuilt = CliRunner().invoke(app, ["rebuild"])
    finally:
        get_settings.cache_clear()

    assert refused.exit_code == 5, refused.output
    assert "written by a newer DuckDB" in refused.output
    assert "postings rebuild" in refused.output
    assert rebuilt.exit_code == 0, rebuilt.output[-3000:]
    kept = list(data.glob("warehouse.duckdb.before-rebuild-*"))
    assert len(kept) == 1  # the old file is set aside, never deleted
    assert kept[0].read_bytes()[8:12] == b"DUCK"
    assert raw_counts(database) == raw_counts(carried)  # every run, version and sighting
    with duckdb.connect(str(database), read_only=True) as connection:
        postings = connection.execute("select count(*) from marts.dim_postings").fetchone()
    with duckdb.connect(str(carried), read_only=True) as connection:
        before = connection.execute("select count(*) from marts.dim_postings").fetchone()
    assert postings == before
