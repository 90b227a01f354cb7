"""The demo warehouse, built once per test session exactly as `make demo` builds it.

`postings demo` replays the bundled recording of real responses (warehouse/recording) on
127.0.0.1, loads it, runs `dbt build` with every data test and writes the study's HTML report
beside the warehouse. Every end-to-end test that only reads reads this one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from warehouse.cli import app
from warehouse.config import get_settings


@dataclass(frozen=True)
class Demo:
    data_dir: Path
    database: Path
    output: str


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    data_dir = tmp_path_factory.mktemp("demo") / "data"
    database = data_dir / "warehouse.duckdb"
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("POSTINGS_DATA_DIR", str(data_dir))
        monkeypatch.setenv("POSTINGS_DB", str(database))
        get_settings.cache_clear()
        result = CliRunner().invoke(app, ["demo"])
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output[-5000:]
    return Demo(data_dir, database, result.output)


@pytest.fixture(scope="session")
def demo_db(demo: Demo) -> Path:
    return demo.database
