"""The evaluation's arithmetic and its reading of the hand labels (no warehouse needed)."""

from __future__ import annotations

import json

import duckdb
import pytest
from typer.testing import CliRunner

from warehouse import cli
from warehouse.config import get_settings
from warehouse.evaluation import (
    LABELS_FILE,
    LabelError,
    Predictions,
    evaluate,
    read_labels,
    wilson_interval,
)
from warehouse.pipeline import dbt_environment


def test_wilson_interval_matches_the_textbook_values():
    low, high = wilson_interval(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4)
    assert high == pytest.approx(0.9433, abs=1e-4)
    assert wilson_interval(0, 0) == (0.0, 1.0)
    low, high = wilson_interval(10, 10)
    assert high == pytest.approx(1.0)
    assert 0.69 < low < 0.73


def label(posting_id, split="test", **fields):
    return {
        "posting_id": posting_id,
        "split": split,
        "role_family": "other",
        "industry_bucket": "computer_software",
        "themes": None,
        "skills": None,
        **fields,
    }


def write(tmp_path, rows):
    path = tmp_path / "labels.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_bundled_labels_are_valid_and_split_a_third_aside():
    rows = read_labels(LABELS_FILE)
    assert len(rows) >= 300
    test_share = sum(row["split"] == "test" for row in rows) / len(rows)
    assert 0.25 < test_share < 0.4
    assert sum(row["skills"] is not None for row in rows) >= 300


def test_rejects_an_unknown_category_naming_the_line(tmp_path):
    path = write(tmp_path, [label("a"), label("b", industry_bucket="computer_games")])
    with pytest.raises(LabelError, match=r"labels.jsonl:2: industry_bucket 'computer_games'"):
        read_labels(path)


def test_rejects_a_posting_labelled_twice(tmp_path):
    path = write(tmp_path, [label("a"), label("a")])
    with pytest.raises(LabelError, match="labelled twice"):
        read_labels(path)


def test_scores_each_fact_with_its_denominator():
    rows = [
        label("a", role_family="ml_engineer", skills=["python", "spark"], themes=["data"]),
        label(
            "b", role_family="other", industry_bucket="finance_banking", skills=["sql"], themes=[]
        ),
        label("c", split="tune", industry_bucket="unknown"),
    ]
    predictions = Predictions(
        role_family={"a": "ml_engineer", "b": "data_analyst", "c": "other"},
        industry_bucket={"a": "computer_software", "b": "unknown", "c": "other"},
        industry_stated={"a"},
        skills={"a": {"python", "docker"}, "b": {"sql"}},
        themes={"a": {"data", "systems"}},
    )
    test = next(report for report in evaluate(rows, predictions) if report.split == "test")

    assert (
        test.score("role family accuracy").successes,
        test.score("role family accuracy").total,
    ) == (1, 2)
    assert test.score("industry accuracy, stated").value == 1.0
    inferred = test.score("industry accuracy, inferred")
    assert (inferred.successes, inferred.total) == (0, 1)
    assert test.score("industry coverage, inferred").value == 0.0
    precision, recall = test.score("skills precision"), test.score("skills recall")
    assert (precision.successes, precision.total) == (2, 3)
    assert (recall.successes, recall.total) == (2, 3)
    themes = test.score("themes agreement")
    assert (themes.successes, themes.total) == (7, 8)
    assert ("spark", 1) in test.confusions["skills missed"]
    assert ("other -> data_analyst", 1) in test.confusions["role family"]


def test_scores_one_split_alone_when_asked():
    rows = [
        label("a", split="tune", role_family="ml_engineer"),
        label("b", split="test", role_family="data_engineer"),
    ]
    predictions = Predictions(
        role_family={"a": "other", "b": "other"},
        industry_bucket={"a": "computer_software", "b": "other"},
        industry_stated=set(),
        skills={},
        themes={},
    )

    [tune] = evaluate(rows, predictions, split="tune")

    assert tune.split == "tune"
    assert tune.score("role family accuracy").total == 1
    assert tune.confusions["role family"] == [("ml_engineer -> other", 1)]
    assert tune.confusions["industry"] == []
    assert [report.split for report in evaluate(rows, predictions)] == ["tune", "test", "all"]
    with pytest.raises(ValueError, match="split 'train'"):
        evaluate(rows, predictions, split="train")


@pytest.fixture
def scored_warehouse(tmp_path):
    """A SYNTHETIC warehouse holding the marts `postings eval` reads, and labels for it."""
    database = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute("create schema marts")
        connection.execute("create schema staging")
        connection.execute(
            "create table marts.dim_postings as "
            "select * from (values ('a', 'other'), ('b', 'other')) as t(posting_id, role_family)"
        )
        connection.execute(
            "create table marts.fct_posting_industries as select * from (values "
            "('a', 'computer_software', 'text_evidence'), ('b', 'other', 'text_evidence')) "
            "as t(posting_id, industry_bucket, method)"
        )
        connection.execute(
            "create table marts.fct_posting_skills as "
            "select 'a' as posting_id, 'python' as skill_id"
        )
        connection.execute(
            "create table marts.fct_posting_themes as "
            "select 'a' as posting_id, 'data' as theme_id, 'theme' as theme_group"
        )
        connection.execute(
            "create table staging.stg_raw__posting_industry_labels as "
            "select 'z' as posting_id where false"
        )
    labels = write(
        tmp_path,
        [
            label("a", split="tune", role_family="ml_engineer"),
            label(
                "b", split="test", role_family="data_engineer", industry_bucket="finance_banking"
            ),
        ],
    )
    return database, labels


def test_eval_command_with_split_tune_shows_no_test_figure_or_confusion(scored_warehouse):
    database, labels = scored_warehouse
    arguments = ["eval", "--warehouse", str(database), "--labels", str(labels)]

    tuning = CliRunner().invoke(cli.app, [*arguments, "--split", "tune"])
    everything = CliRunner().invoke(cli.app, arguments)

    assert tuning.exit_code == 0, tuning.output
    assert "Top confusions, tune split" in tuning.output
    assert "ml_engineer -> other" in tuning.output
    assert "test" not in tuning.output
    assert "data_engineer" not in tuning.output
    assert "finance_banking" not in tuning.output
    assert everything.exit_code == 0, everything.output
    assert "Top confusions, test split" in everything.output
    assert "data_engineer -> other (1)" in everything.output
    assert "finance_banking -> other (1)" in everything.output


def test_without_known_companies_tells_dbt_to_leave_the_seed_out(tmp_path):
    settings = get_settings().model_copy(update={"industry_known_companies": False})

    environment = dbt_environment(settings, tmp_path / "warehouse.duckdb", None)

    assert environment["POSTINGS_DBT_INDUSTRY_KNOWN_COMPANIES"] == "false"
    default = dbt_environment(get_settings(), tmp_path / "warehouse.duckdb", None)
    assert default["POSTINGS_DBT_INDUSTRY_KNOWN_COMPANIES"] == "true"


def test_without_known_companies_refuses_a_given_warehouse(scored_warehouse):
    database, labels = scored_warehouse

    arguments = ["eval", "--warehouse", str(database), "--labels", str(labels)]

    result = CliRunner().invoke(cli.app, [*arguments, "--without-known-companies"])

    assert result.exit_code == 2
    assert "--without-known-companies builds a scratch warehouse" in result.output
