"""Term matching: token boundaries, punctuation, case policy, multi-word terms."""

from __future__ import annotations

import pyarrow as pa
import pytest

from warehouse.matching import (
    MATCH_SCHEMA,
    Pattern,
    TermMatcher,
    match_batches,
    match_schema,
    normalise,
    tokens,
)


def counts(patterns: list[Pattern], text: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for (key, _form), occurrences in TermMatcher(patterns).count(text).items():
        found[key] = found.get(key, 0) + occurrences
    return found


def test_tokens_keep_cpp_csharp_and_dotted_names():
    assert tokens("C++, C# and node.js (v3.11). Python/SQL; CI/CD!") == [
        "C++",
        "C#",
        "and",
        "node.js",
        "v3.11",
        "Python",
        "SQL",
        "CI",
        "CD",
    ]


def test_typographic_marks_separate_tokens():
    assert tokens("\u201cPyTorch\u201d\u2014JAX \u2022 Spark\u2019s") == [
        "PyTorch",
        "JAX",
        "Spark",
        "s",
    ]


def test_sentence_end_dot_is_not_part_of_a_token():
    assert normalise("We use Python.") == " We use Python "
    assert normalise("Python.\nNext") == " Python Next "


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Experience with C++ and CUDA", {"cpp": 1}),
        ("C# / .NET services", {"csharp": 1}),
        ("We love C and C++", {"c": 1, "cpp": 1}),
        ("Series C funding", {"c": 1}),  # case-sensitive C still needs context downstream
        ("c++ in lowercase", {"cpp": 1}),
    ],
)
def test_punctuated_language_names(text, expected):
    patterns = [Pattern("cpp", "C++"), Pattern("csharp", "C#"), Pattern("c", "C", True)]
    assert counts(patterns, text) == expected


@pytest.mark.parametrize(
    "text", ["machine learning", "Machine-Learning", "machine  learning", "MACHINE_LEARNING"]
)
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
        "go": 1,
        "excel": 1,
    }


def test_slash_separated_skills_both_match():
    assert counts([Pattern("python", "python"), Pattern("sql", "sql")], "Python/SQL") == {
        "python": 1,
        "sql": 1,
    }


def test_ci_cd_matches_with_or_without_slash():
    patterns = [Pattern("cicd", "CI/CD")]
    assert counts(patterns, "CI/CD pipelines, ci-cd, CI CD") == {"cicd": 3}


def test_counts_every_mention_and_reports_forms():
    matcher = TermMatcher([Pattern("pytorch", "pytorch"), Pattern("pytorch", "torch")])
    assert matcher.count("PyTorch, pytorch and torch") == {
        ("pytorch", "pytorch"): 2,
        ("pytorch", "torch"): 1,
    }


def test_same_surface_form_for_two_keys_reports_both():
    matcher = TermMatcher([Pattern("a", "data pipelines"), Pattern("b", "data pipelines")])
    assert set(matcher.count("Build data pipelines")) == {
        ("a", "data pipelines"),
        ("b", "data pipelines"),
    }


def test_empty_and_punctuation_only_inputs():
    matcher = TermMatcher([Pattern("x", "---"), Pattern("y", "spark")])
    assert [p.key for p in matcher.ignored] == ["x"]
    assert matcher.count(None) == {}
    assert matcher.count("") == {}


def test_match_rows_yields_one_row_per_document_field_and_key():
    matcher = TermMatcher([Pattern("python", "python")])
    rows = list(
        matcher.match_rows(
            [
                ("p1", "title", "Python dev"),
                ("p1", "description", "python, python"),
                ("p2", "title", None),
            ]
        )
    )
    assert rows == [
        ("p1", "title", "python", "python", 1),
        ("p1", "description", "python", "python", 2),
    ]


# ---------------------------------------------------------------------------- match_batches
FIELDS = {"title": "title", "description": "description_text"}


def posting_batch(rows: list[tuple[str, str | None, str | None]]) -> pa.RecordBatch:
    ids, titles, texts = zip(*rows, strict=True)
    return pa.record_batch(
        {"posting_id": list(ids), "title": list(titles), "description_text": list(texts)}
    )


def test_match_batches_yields_one_row_per_posting_field_and_term():
    terms = [
        ("skill_alias", "cpp__c_plus_plus", "C++", False),
        ("skill_alias", "go__go", "Go", True),
        ("skill_context", "golang", "golang", False),
        ("theme_term", "production__ml_pipelines", "ML pipelines", False),
    ]
    batch = posting_batch(
        [
            ("p1", "C++ Engineer", "We write C++ and Go (golang), and ml-pipelines. c++!"),
            ("p2", "Go-to-market lead", None),
            ("p3", None, "nothing to see"),
        ]
    )

    [out] = match_batches(terms, [batch], fields=FIELDS)

    assert out.schema == MATCH_SCHEMA
    assert sorted(zip(*out.to_pydict().values(), strict=True)) == [
        ("p1", "description", "skill_alias", "cpp__c_plus_plus", "c++", 2),
        ("p1", "description", "skill_alias", "go__go", "Go", 1),
        ("p1", "description", "skill_context", "golang", "golang", 1),
        ("p1", "description", "theme_term", "production__ml_pipelines", "ml pipelines", 1),
        ("p1", "title", "skill_alias", "cpp__c_plus_plus", "c++", 1),
        ("p2", "title", "skill_alias", "go__go", "Go", 1),
    ]


def test_match_batches_keeps_one_term_in_two_sets_apart():
    terms = [
        ("skill_context", "spark", "spark", False),
        ("skill_alias", "spark__spark", "Spark", True),
    ]
    [out] = match_batches(
        terms,
        [posting_batch([("p1", "x", "Spark and spark")])],
        fields={"description": "description_text"},
    )

    assert sorted(
        zip(
            out.column("term_set").to_pylist(), out.column("mention_count").to_pylist(), strict=True
        )
    ) == [("skill_alias", 1), ("skill_context", 2)]


def test_match_batches_streams_one_output_batch_per_input_batch_and_skips_empty_ones():
    terms = [("skill_alias", "python__python", "Python", False)]
    batches = [
        posting_batch([("p1", "Python dev", None)]),
        posting_batch([("p2", "Chef", "Cooking")]),
        posting_batch([("p3", None, "python"), ("p4", None, "PYTHON python")]),
    ]
    consumed: list[int] = []

    def tracked():
        for number, batch in enumerate(batches):
            consumed.append(number)
            yield batch

    output = match_batches(terms, tracked(), fields=FIELDS)
    first = next(output)
    assert consumed == [0]  # lazily: the next batch is not read before it is needed
    rest = list(output)

    assert [b.column("posting_id").to_pylist() for b in [first, *rest]] == [["p1"], ["p3", "p4"]]
    assert rest[0].column("mention_count").to_pylist() == [1, 2]


def test_match_batches_over_a_duckdb_reader_builds_a_table(tmp_path):
    import duckdb

    connection = duckdb.connect(str(tmp_path / "w.duckdb"))
    connection.execute("""
        create table postings as
        select 'p' || i as posting_id, 'ML Engineer' as title,
               'PyTorch and CI/CD, C# too' as description_text
        from range(2500) as r(i)""")
    terms = [
        ("skill_alias", "pytorch", "PyTorch", False),
        ("skill_alias", "cicd", "CI/CD", False),
        ("skill_alias", "csharp", "C#", False),
    ]
    reader = connection.sql("select * from postings").to_arrow_reader(1000)
    output = pa.RecordBatchReader.from_batches(
        MATCH_SCHEMA, match_batches(terms, reader, fields=FIELDS)
    )
    writer = connection.cursor()  # as dbt-duckdb does: write on another cursor while reading
    writer.register("matches", output)
    writer.execute("create table matches_table as select * from matches")

    assert writer.execute("""
        select term_key, count(*), sum(mention_count) from matches_table group by 1 order by 1
        """).fetchall() == [("cicd", 2500, 2500), ("csharp", 2500, 2500), ("pytorch", 2500, 2500)]


def test_match_batches_names_the_id_column_and_carries_columns_of_each_row():
    from datetime import UTC, datetime

    terms = [("skill_alias", "python__python", "Python", False)]
    loaded = [datetime(2026, 11, day, 1, tzinfo=UTC) for day in (1, 2, 3)]
    batch = pa.record_batch(
        {
            "posting_version_id": ["v1", "v2", "v3"],
            "posting_id": ["p1", "p2", "p3"],
            "loaded_at": pa.array(loaded, pa.timestamp("us", tz="UTC")),
            "title": ["Python dev", "Chef", None],
            "description_text": [None, None, "python, Python"],
        }
    )
    schema = match_schema(
        batch.schema, id_column="posting_version_id", carry=["posting_id", "loaded_at"]
    )

    [out] = match_batches(
        terms,
        [batch],
        fields=FIELDS,
        id_column="posting_version_id",
        carry=["posting_id", "loaded_at"],
    )

    assert out.schema == schema
    assert schema.names[:3] == ["posting_version_id", "posting_id", "loaded_at"]
    assert schema.field("loaded_at").type == pa.timestamp("us", tz="UTC")
    assert sorted(
        zip(
            out.column("posting_version_id").to_pylist(),
            out.column("posting_id").to_pylist(),
            out.column("loaded_at").to_pylist(),
            out.column("field").to_pylist(),
            out.column("mention_count").to_pylist(),
            strict=True,
        )
    ) == [
        ("v1", "p1", loaded[0], "title", 1),
        ("v3", "p3", loaded[2], "description", 2),
    ]
    assert match_schema() == MATCH_SCHEMA
