"""`postings query` reads the warehouse and nothing else. The warehouse here is SYNTHETIC."""

from __future__ import annotations

import duckdb
import pytest
from typer.testing import CliRunner

from warehouse import cli
from warehouse.config import get_settings


@pytest.fixture
def warehouse(tmp_path, monkeypatch):
    database = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute("create schema marts")
        connection.execute("create table marts.dim_postings as select 'p1' as posting_id")
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read me", encoding="utf-8")
    monkeypatch.setenv("POSTINGS_DB", str(database))
    get_settings.cache_clear()
    yield database, tmp_path
    get_settings.cache_clear()


def run(sql):
    return CliRunner().invoke(cli.app, ["query", sql])


def test_a_query_reads_the_marts(warehouse):
    result = run("select posting_id from marts.dim_postings")

    assert result.exit_code == 0, result.output
    assert "p1" in result.output


@pytest.mark.parametrize(
    "statement",
    [
        "copy marts.dim_postings to '{dir}/out.csv'",
        "attach '{dir}/other.duckdb' as other (read_only false)",
        "install httpfs",
        "select * from read_text('{dir}/secret.txt')",
        "select * from read_csv('{dir}/secret.txt')",
        "set enable_external_access = true",
        "create table marts.mine as select 1 as one",
    ],
)
def test_a_query_that_writes_or_reads_files_gets_a_clear_error(warehouse, statement):
    _, directory = warehouse

    result = run(statement.format(dir=directory))

    assert result.exit_code == 1, result.output
    assert "`postings query` only reads the warehouse" in result.output
    assert "do not read me" not in result.output
    assert not (directory / "out.csv").exists()
    assert not (directory / "other.duckdb").exists()
