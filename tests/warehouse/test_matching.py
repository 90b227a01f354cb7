"""Term matching: token boundaries, punctuation, case policy, multi-word terms."""

from __future__ import annotations

import pytest

from warehouse.matching import Pattern, TermMatcher, normalise, tokens


def counts(patterns: list[Pattern], text: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for (key, _form), occurrences in TermMatcher(patterns).count(text).items():
        found[key] = found.get(key, 0) + occurrences
    return found


def test_tokens_keep_cpp_csharp_and_dotted_names():
    assert tokens("C++, C# and node.js (v3.11). Python/SQL; CI/CD!") == [
        "C++", "C#", "and", "node.js", "v3.11", "Python", "SQL", "CI", "CD"]


def test_typographic_marks_separate_tokens():
    assert tokens("\u201cPyTorch\u201d\u2014JAX \u2022 Spark\u2019s") == [
        "PyTorch", "JAX", "Spark", "s"]


def test_sentence_end_dot_is_not_part_of_a_token():
    assert normalise("We use Python.") == " We use Python "
    assert normalise("Python.\nNext") == " Python Next "


@pytest.mark.parametrize(("text", "expected"), [
    ("Experience with C++ and CUDA", {"cpp": 1}),
    ("C# / .NET services", {"csharp": 1}),
    ("We love C and C++", {"c": 1, "cpp": 1}),
    ("Series C funding", {"c": 1}),  # case-sensitive C still needs context downstream
    ("c++ in lowercase", {"cpp": 1}),
])
def test_punctuated_language_names(text, expected):
    patterns = [Pattern("cpp", "C++"), Pattern("csharp", "C#"), Pattern("c", "C", True)]
    assert counts(patterns, text) == expected


@pytest.mark.parametrize("text", [
    "machine learning", "Machine-Learning", "machine  learning", "MACHINE_LEARNING"])
def test_multi_word_terms_match_across_hyphens_spaces_and_case(text):
    assert counts([Pattern("ml", "machine learning")], text) == {"ml": 1}


def test_terms_do_not_match_inside_longer_words():
    patterns = [Pattern("go", "Go", True), Pattern("r", "R", True), Pattern("sql", "sql")]
    assert counts(patterns, "Google, Golang, R&D? Rust; NoSQL and MySQL") == {}


def test_ampersand_joins_a_token():
    assert tokens("R&D at AT&T, R & D") == ["R&D", "at", "AT&T", "R", "D"]


def test_case_sensitive_patterns_ignore_other_cases():
    patterns = [Pattern("go", "Go", True), Pattern("excel", "Excel", True)]
    assert counts(patterns, "you will go far and excel; we write Go and use Excel") == {
        "go": 1, "excel": 1}


def test_slash_separated_skills_both_match():
    assert counts([Pattern("python", "python"), Pattern("sql", "sql")], "Python/SQL") == {
        "python": 1, "sql": 1}


def test_ci_cd_matches_with_or_without_slash():
    patterns = [Pattern("cicd", "CI/CD")]
    assert counts(patterns, "CI/CD pipelines, ci-cd, CI CD") == {"cicd": 3}


def test_counts_every_mention_and_reports_forms():
    matcher = TermMatcher([Pattern("pytorch", "pytorch"), Pattern("pytorch", "torch")])
    assert matcher.count("PyTorch, pytorch and torch") == {
        ("pytorch", "pytorch"): 2, ("pytorch", "torch"): 1}


def test_same_surface_form_for_two_keys_reports_both():
    matcher = TermMatcher([Pattern("a", "data pipelines"), Pattern("b", "data pipelines")])
    assert set(matcher.count("Build data pipelines")) == {("a", "data pipelines"),
                                                           ("b", "data pipelines")}


def test_empty_and_punctuation_only_inputs():
    matcher = TermMatcher([Pattern("x", "---"), Pattern("y", "spark")])
    assert [p.key for p in matcher.ignored] == ["x"]
    assert matcher.count(None) == {}
    assert matcher.count("") == {}


def test_match_rows_yields_one_row_per_document_field_and_key():
    matcher = TermMatcher([Pattern("python", "python")])
    rows = list(matcher.match_rows([("p1", "title", "Python dev"),
                                    ("p1", "description", "python, python"),
                                    ("p2", "title", None)]))
    assert rows == [("p1", "title", "python", "python", 1),
                    ("p1", "description", "python", "python", 2)]
