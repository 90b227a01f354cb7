"""The nightly incremental build gives exactly the marts a full rebuild gives on the same data.

Two nights of SYNTHETIC postings (written with the loader's test helpers, loaded by the real
loader) are built in full; a third night then brings what a real night brings: new postings,
a posting whose content changed (a new version, whose self-description names another
business), postings that closed, a posting re-opened, a
cross-source duplicate of an older posting, new titles and new location texts. The warehouse
is built incrementally, a copy of it is rebuilt with ``--full-refresh``, and every table and
view of the intermediate and marts schemas must hold the same rows in both.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from tests.warehouse.landing import synthetic_posting, write_run
from warehouse import pipeline
from warehouse.config import Settings
from warehouse.load import load

pytestmark = pytest.mark.slow

DESCRIPTION = (
    "You will design, train and ship machine learning models in Python and PyTorch, run them on "
    "Kubernetes in production, and work with data engineers on Spark pipelines and SQL "
    "warehouses. Experience with MLOps, monitoring and experiment tracking is a plus."
)


def posting(source_key: str, posting_id: str, title: str, **fields: object) -> dict:
    """A synthetic posting with a description long enough to be fingerprinted."""
    fields.setdefault("description_text", f"{title}. {DESCRIPTION}")
    fields.setdefault("description", f"<p>{fields['description_text']}</p>")
    return synthetic_posting(source_key, posting_id, title=title, **fields)


def night(landing: Path, number: int, runs: dict[str, list[dict]]) -> None:
    """Write one night of runs (one per source) fetched at 01:00 on 2026-11-<number>."""
    stamp = f"2026-11-{number:02d}T01:00:00+00:00"
    for source_key, postings in runs.items():
        run_id = f"202611{number:02d}T010000-{source_key.replace(':', '_')}-{number:08d}"
        write_run(landing, source_key, run_id, postings, fetched_at=stamp)


def build(database: Path, work: Path, full_refresh: bool | None = None) -> None:
    """``warehouse.pipeline.transform`` as the CLI runs it, artefacts kept under ``work``."""
    settings = Settings(db=database, data_dir=work)
    assert pipeline.transform(
        settings,
        database,
        "build",
        ["--target-path", str(work / "target"), "--log-path", str(work / "logs")],
        full_refresh=full_refresh,
    )


def contents(database: Path) -> dict[str, tuple[int, int]]:
    """Row count and an order-independent hash of the rows of every built table and view."""
    with duckdb.connect(str(database), read_only=True) as connection:
        relations = connection.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('intermediate', 'marts') order by all"
        ).fetchall()
        found = {}
        for schema, table in relations:
            columns = [
                row[0]
                for row in connection.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = $schema and table_name = $table order by column_name",
                    {"schema": schema, "table": table},
                ).fetchall()
            ]
            listed = ", ".join(f'"{column}"' for column in columns)
            found[f"{schema}.{table}"] = connection.execute(
                f"select count(*), sum(hash(struct_pack({listed}))) "
                f'from (select {listed} from "{schema}"."{table}")'
            ).fetchone()
    return found


def test_incremental_nightly_equals_a_full_refresh(tmp_path):
    landing = tmp_path / "landing"
    database = tmp_path / "warehouse.duckdb"
    gh, lv = "greenhouse:acme", "lever:beta"
    stable = posting(gh, "1", "Machine Learning Engineer", location="Berlin, Germany")
    changing = posting(
        gh,
        "2",
        "Data Scientist",
        location="London, UK",
        description_text="Data Scientist. We are a digital bank. " + DESCRIPTION,
    )
    closing = posting(gh, "3", "Senior Data Engineer", location="Paris, France")
    flapping = posting(lv, "a", "MLOps Engineer", location="Remote")
    night(landing, 1, {gh: [stable, changing, closing], lv: [flapping]})
    night(landing, 2, {gh: [stable, changing, closing], lv: [flapping]})
    assert not load(database, landing).failed
    build(database, tmp_path / "first")
    assert self_description_signals(database, "greenhouse:acme:2") == {
        "banking__digital_bank",
        "banking__self_bank",
    }

    changed = posting(
        gh,
        "2",
        "Data Scientist",
        location="London, UK",
        description_text=(
            "Data Scientist. We are an insurance company. We now ask for R, Tableau and dbt. "
            + DESCRIPTION
        ),
    )
    new = posting(
        gh,
        "4",
        "Staff Machine Learning Engineer, Platform",
        location="Zürich, Switzerland",
        salary="CHF 150k - 190k",
    )
    # The same job on a second board: same company, title and description as `stable`.
    cross = posting(lv, "b", "Machine Learning Engineer", location="Berlin, Germany")
    night(landing, 3, {gh: [stable, changed, new], lv: [cross]})
    assert not load(database, landing).failed
    build(database, tmp_path / "nightly")

    compiled = tmp_path / "nightly" / "target" / "compiled" / "postings" / "models"
    # The nightly really took the incremental branches.
    for model in (
        "staging/stg_raw__posting_versions.sql",
        "intermediate/int_posting_version_self_descriptions_matched.sql",
    ):
        assert "loaded_at >= cast(" in (compiled / model).read_text(encoding="utf-8")

    rebuilt = tmp_path / "rebuilt.duckdb"
    shutil.copyfile(database, rebuilt)
    build(rebuilt, tmp_path / "full", full_refresh=True)

    incremental, full = contents(database), contents(rebuilt)
    assert incremental.keys() == full.keys()
    assert {name for name in full if name.startswith("marts.")} >= {
        "marts.dim_postings",
        "marts.fct_posting_skills",
        "marts.fct_posting_themes",
        "marts.fct_posting_industries",
    }
    assert {name: value for name, value in incremental.items() if value != full[name]} == {}

    with duckdb.connect(str(database), read_only=True) as connection:
        rows = dict(
            connection.execute("select posting_id, is_active from marts.dim_postings").fetchall()
        )
        skills = {
            row[0]
            for row in connection.execute(
                "select skill_id from marts.fct_posting_skills "
                "where posting_id = 'greenhouse:acme:2'"
            ).fetchall()
        }
    # The night's changes are in the marts, not only equal between the two builds.
    assert rows == {
        "greenhouse:acme:1": True,
        "greenhouse:acme:2": True,
        "greenhouse:acme:3": False,
        "greenhouse:acme:4": True,
        "lever:beta:a": False,
        "lever:beta:b": True,
    }
    assert {"tableau", "dbt"} <= skills
    # The new version's self-description replaces the old one's: a nightly matched only the new
    # version, and the posting reads its latest version's signals.
    assert self_description_signals(database, "greenhouse:acme:2") == {
        "insurance__insurance_company",
        "insurance__self_insurance",
    }


def self_description_signals(database: Path, posting_id: str) -> set[str]:
    """The self-description signals a posting has in the built warehouse."""
    with duckdb.connect(str(database), read_only=True) as connection:
        return {
            row[0]
            for row in connection.execute(
                "select signal_id from intermediate.int_posting_self_descriptions_matched "
                "where posting_id = $posting_id",
                {"posting_id": posting_id},
            ).fetchall()
        }


def test_a_changed_project_rebuilds_everything(tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    database = tmp_path / "warehouse.duckdb"
    night(landing, 1, {"greenhouse:acme": [posting("greenhouse:acme", "1", "ML Engineer")]})
    assert not load(database, landing).failed
    build(database, tmp_path / "first")
    build(database, tmp_path / "same")
    monkeypatch.setattr(pipeline, "project_fingerprint", lambda project: "a changed project")
    build(database, tmp_path / "changed")

    with duckdb.connect(str(database), read_only=True) as connection:
        history = connection.execute(
            "select full_refresh from meta.dbt_build_state order by built_at"
        ).fetchall()
    assert history == [(False,), (False,), (True,)]

    # Tables built by a version that recorded no build are rebuilt too.
    with duckdb.connect(str(database)) as connection:
        connection.execute("drop table meta.dbt_build_state")
        connection.execute("alter table marts.dim_postings drop column seniority")
    build(database, tmp_path / "unrecorded")
    with duckdb.connect(str(database), read_only=True) as connection:
        history = connection.execute(
            "select full_refresh from meta.dbt_build_state order by built_at"
        ).fetchall()
        columns = {
            row[0]
            for row in connection.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'marts' and table_name = 'dim_postings'"
            ).fetchall()
        }
    assert history == [(True,)]
    assert "seniority" in columns


def transform(database: Path, work: Path, full_refresh: bool | None = None) -> bool:
    """``pipeline.transform`` (a build) as the CLI runs it; True when dbt succeeded."""
    return pipeline.transform(
        Settings(db=database, data_dir=work),
        database,
        "build",
        ["--target-path", str(work / "target"), "--log-path", str(work / "logs")],
        full_refresh=full_refresh,
    )


def duplicate_a_sighting(database: Path, run_number: int) -> None:
    """Add a second copy of one sighting of the given night's run (a broken raw key)."""
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            "insert into raw.sightings select * from raw.sightings "
            "where crawl_run_id like $run limit 1",
            {"run": f"202611{run_number:02d}T%"},
        )


def test_nightly_data_tests_check_the_rows_loaded_since_the_last_build(tmp_path):
    landing = tmp_path / "landing"
    database = tmp_path / "warehouse.duckdb"
    gh = "greenhouse:acme"
    night(landing, 1, {gh: [posting(gh, "1", "ML Engineer"), posting(gh, "2", "Data Engineer")]})
    assert not load(database, landing).failed
    assert transform(database, tmp_path / "first")
    with duckdb.connect(str(database), read_only=True) as connection:
        recorded, newest = connection.execute(
            "select (select built_through from meta.dbt_build_state), "
            "(select max(_loaded_at) from raw.posting_versions)"
        ).fetchone()
    assert recorded == newest

    night(landing, 2, {gh: [posting(gh, "1", "ML Engineer"), posting(gh, "3", "MLOps Engineer")]})
    assert not load(database, landing).failed
    # A broken row in the night's new run fails the nightly build...
    broken_new = tmp_path / "broken_new.duckdb"
    shutil.copyfile(database, broken_new)
    duplicate_a_sighting(broken_new, 2)
    assert not transform(broken_new, tmp_path / "broken_new")
    source_tests = (
        tmp_path
        / "broken_new"
        / "target"
        / "compiled"
        / "postings"
        / "models"
        / "staging"
        / "_raw__sources.yml"
    )
    key_test = next(
        path
        for path in source_tests.glob("*.sql")
        if "having count(*) > 1" in path.read_text(encoding="utf-8")
        and '"sightings"' in path.read_text(encoding="utf-8")
    )
    # The test read only the new runs.
    assert "where _loaded_at > cast('" in key_test.read_text(encoding="utf-8")
    # ...and a failed build records nothing, so the next one tests the same rows again.
    assert not transform(broken_new, tmp_path / "broken_again")

    # Rows tested by an earlier build are not read again by a nightly build; a full refresh
    # tests the whole history.
    duplicate_a_sighting(database, 1)
    assert transform(database, tmp_path / "nightly")
    assert not transform(database, tmp_path / "full", full_refresh=True)
