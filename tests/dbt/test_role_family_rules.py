"""The role-family rules seed on titles as employers write them.

int_job_titles_classified tries the rules of ``role_family_rules.csv`` by ascending priority on
the first role the title lists (the ``first_listed_role`` macro: lowercased, a list of roles cut
to its first) and takes the first that matches (RE2, DuckDB's ``regexp_matches``). This test
renders the same macro with Jinja and applies the seed the same way in DuckDB, without a dbt
build, so a rule edit is checked in a second. The titles are real ones (recorded postings, the
open-jobs dataset) or their plain translations; each line says what the family must be.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import jinja2
import pytest

PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"
SEED = PROJECT / "seeds" / "role_family_rules.csv"
MACRO = PROJECT / "macros" / "first_listed_role.sql"

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
    # Lists of roles take the first one listed (Hacker News first lines).
    ("Machine Learning Engineer, Data Engineer", "ml_engineer"),
    ("Software Engineers, Product Managers & Data Scientists", "other"),
    ("Platform & Data Engineers", "other"),
    ("ML & Data Engineers", "ml_engineer"),
    ("AI, Fullstack, Frontend, Platform, Data, Product Engineers + GTM, Design", "ml_engineer"),
    ("Staff ML, Staff Infra, FDE", "ml_engineer"),
    ("Data Engineer, Full Stack Engineers (Sr & Staff/Lead), Sr. Product Manager", "data_engineer"),
    ("Software Engineers (SRE, data platform, backend, full-stack, mobile)", "other"),
    ("Senior Backend Engineer (Architecture & AI Systems)", "other"),
    ("Sr/Staff Software Engineers, PM, Data Analyst", "other"),
    ("Product engineer + data engineer", "other"),
    ("Senior & Staff ML Engineer", "ml_engineer"),
    ("Research Scientists and Research Engineers", "research_scientist"),
    ("Founding Research Scientist + Founding Engineering Lead", "research_scientist"),
    # A qualifier after a single role is not a second role.
    ("SWE, Data & ML", "ml_engineer"),
    ("Senior Director, Data Engineering", "data_engineer"),
    ("Principal Engineer (Data & Platform)", "data_engineer"),
    ("Senior Consultant (Data Engineering, Investment Analytics, Strategy)", "data_engineer"),
    ("Founding AI, Data Science Lead (Possible Co-Founder Track)", "data_scientist"),
    ("Staff+ Software Engineer, Developer Experience", "other"),
    ("AI Development Associate", "ml_engineer"),
    # Serving and ML infrastructure qualifiers are platform work; faculty, postdocs, research
    # interns and doctoral posts in ML are research (the labelling guide).
    ("ML Engineer, Inference", "mlops_platform"),
    ("Machine Learning Engineer - Platform", "mlops_platform"),
    ("Software Engineer, Inference", "mlops_platform"),
    ("Software Engineer (ML Infrastructure)", "mlops_platform"),
    ("Assistant Professor of Machine Learning", "research_scientist"),
    ("Postdoctoral Fellow - Machine Learning", "research_scientist"),
    ("Postdoctoral Fellow, Immunology", "other"),
    ("Research Intern - AI", "research_scientist"),
    ("Doktorand KI (m/w/d)", "research_scientist"),
    ("Doctoranda en Inteligencia Artificial", "research_scientist"),
]


def first_listed_role_sql(expression: str) -> str:
    """The ``first_listed_role`` macro rendered for ``expression``, as dbt renders it."""
    source = MACRO.read_text(encoding="utf-8")
    template = jinja2.Environment().from_string(
        source + "{{ first_listed_role(" + repr(expression) + ") }}"
    )
    return template.render()


@pytest.fixture(scope="module")
def classify():
    connection = duckdb.connect()
    connection.execute(
        "create table rules as select * from read_csv(?, header = true, all_varchar = true)",
        [str(SEED)],
    )
    role_title = first_listed_role_sql("title")

    def first_family(title: str) -> str:
        row = connection.execute(
            f"with titles as (select {role_title} as role_title from (select ? as title)) "
            "select role_family from rules, titles "
            "where regexp_matches(role_title, title_pattern) "
            "order by cast(priority as integer) limit 1",
            [title],
        ).fetchone()
        return row[0] if row else "other"

    yield first_family
    connection.close()


@pytest.mark.parametrize(("title", "family"), TITLES)
def test_title_gets_its_role_family(classify, title, family):
    assert classify(title) == family


@pytest.mark.parametrize(
    ("title", "role_title"),
    [
        ("Software Engineers, Product Managers & Data Scientists", "software engineers"),
        ("Platform & Data Engineers", "platform engineers"),
        ("Software Engineers (SRE, data platform, backend)", "software engineers (sre)"),
        ("Senior & Staff ML Engineer", "staff ml engineer"),
        ("Software Engineer, Data Platform", "software engineer, data platform"),
        ("Senior Manager, Developer Relations", "senior manager, developer relations"),
        ("FP&A Analyst, R&D", "fp&a analyst, r&d"),
        ("Technician (Up to $6,000 Sign on Bonus)", "technician (up to $6,000 sign on bonus)"),
    ],
)
def test_first_listed_role_cuts_a_list_to_its_first_role(title, role_title):
    sql = first_listed_role_sql("title")
    with duckdb.connect() as connection:
        row = connection.execute(f"select {sql} from (select ? as title)", [title]).fetchone()
    assert row is not None
    assert row[0] == role_title
