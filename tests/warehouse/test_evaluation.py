"""The evaluation's arithmetic and its reading of the hand labels (no warehouse needed)."""

from __future__ import annotations

import json

import pytest

from warehouse.evaluation import (
    LABELS_FILE,
    LabelError,
    Predictions,
    evaluate,
    read_labels,
    wilson_interval,
)


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
