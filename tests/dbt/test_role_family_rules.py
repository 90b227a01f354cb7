"""The role-family rules seed on titles as employers write them.

int_job_titles_classified tries the rules of ``role_family_rules.csv`` by ascending priority on
the lowercased title and takes the first that matches (RE2, DuckDB's ``regexp_matches``). This
test applies the seed the same way in DuckDB, without a dbt build, so a rule edit is checked in
a second. The titles are real ones (recorded postings, the open-jobs dataset) or their plain
translations; each line says what the family must be.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

SEED = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "role_family_rules.csv"

TITLES = [
    ("Senior Machine Learning Engineer", "ml_engineer"),
    ("Staff ML Engineer, Ranking", "ml_engineer"),
    ("AI/ML Engineer", "ml_engineer"),
    ("Founding Applied AI Engineer", "ml_engineer"),
    ("Full Stack / Applied AI Engineer", "ml_engineer"),
    ("Forward Deployment Engineering (AI/ML)", "ml_engineer"),
    ("Staff Software Engineer, AI & Automation", "ml_engineer"),
    ("Principal Engineer, AI Systems", "ml_engineer"),
    ("Head of AI (Computer Vision / MLOps)", "ml_engineer"),
    ("ML Lead", "ml_engineer"),
    ("Machine Learning Ingenieur (m/w/d)", "ml_engineer"),
    ("KI-Ingenieur (m/w/d)", "ml_engineer"),
    ("Ingénieur Machine Learning - CDI", "ml_engineer"),
    ("Ingénieure IA", "ml_engineer"),
    ("Ingeniero de Machine Learning", "ml_engineer"),
    ("Ingeniera en Inteligencia Artificial", "ml_engineer"),
    ("AI Platform Engineer", "mlops_platform"),
    ("Senior MLOps Engineer", "mlops_platform"),
    ("LLM Inference Optimization Engineer", "mlops_platform"),
    ("Applied Scientist II", "research_scientist"),
    ("Machine Learning Scientist", "research_scientist"),
    ("Research Engineer", "research_scientist"),
    ("Anthropic Fellows Program", "research_scientist"),
    ("Chercheur en IA", "research_scientist"),
    ("Customer Data Scientist - Experimentation", "data_scientist"),
    ("Datenwissenschaftler (m/w/d)", "data_scientist"),
    ("Científico de Datos", "data_scientist"),
    ("Analytics Engineer II", "data_engineer"),
    ("Analytics Engineer - Microsoft Fabric - CDI - LILLE", "data_engineer"),
    ("Software Engineer, Data Platform", "data_engineer"),
    ("Dateningenieur (m/w/d)", "data_engineer"),
    ("Ingeniero de Datos", "data_engineer"),
    ("Datenanalyst (m/w/d)", "data_analyst"),
    ("Analyste de données", "data_analyst"),
    ("Online Data Analyst Canada", "other"),
    ("Data Labeling Specialists", "other"),
    ("Account Executive, Public Sector", "other"),
    ("Senior DevOps Engineer", "other"),
    ("Quantitative Researcher for Portfolio Optimization", "other"),
    ("Senior Full Stack Engineer (Ruby on Rails)", "other"),
]


@pytest.fixture(scope="module")
def classify():
    connection = duckdb.connect()
    connection.execute(
        "create table rules as select * from read_csv(?, header = true, all_varchar = true)",
        [str(SEED)],
    )

    def first_family(title: str) -> str:
        row = connection.execute(
            "select role_family from rules where regexp_matches(lower(?), title_pattern) "
            "order by cast(priority as integer) limit 1",
            [title],
        ).fetchone()
        return row[0] if row else "other"

    yield first_family
    connection.close()


@pytest.mark.parametrize(("title", "family"), TITLES)
def test_title_gets_its_role_family(classify, title, family):
    assert classify(title) == family
