"""Every posting version's title and description matched against the dictionary.

One row per posting version, field (``title`` / ``description``), term set and term found,
with the normalised form that matched and how often it occurs. The matching itself
(normalisation, token boundaries, case policy) is ``warehouse.matching``: two Aho-Corasick
passes per text, tested in tests/warehouse/test_matching.py. Which matches count (context rules,
the employer's own name) and how they add up is decided downstream in SQL, where dbt unit tests
cover it.

Incremental, because matching is the costliest step of the build and a version's text never
changes once loaded: a nightly build matches only the versions loaded since the last build (at
or after the largest ``loaded_at`` already matched; those at the watermark are matched again and
replace their rows). Every version is matched, not only each posting's latest, so that a posting
whose content flips back to an older version finds that version's matches here. Run
``postings transform --full-refresh`` after changing the dictionary seeds.

Versions are read in Arrow record batches and the output is streamed back as an Arrow reader:
memory holds one batch of versions and its matches at a time, whatever the warehouse's size.
"""

import pyarrow as pa

from warehouse.matching import match_batches, match_schema

#: Versions per Arrow batch: large enough for the scan to be cheap, small enough to stay bounded.
BATCH_SIZE = 5_000
#: The texts matched, as output ``field`` -> column of stg_raw__posting_versions.
FIELDS = {"title": "title", "description": "description_text"}
#: Columns copied from the version to each of its matches.
CARRY = ["posting_id", "loaded_at"]


def model(dbt, session):
    dbt.config(materialized="incremental", unique_key="posting_version_id",
               incremental_strategy="delete+insert")
    terms = dbt.ref("int_match_terms_unioned").select(
        "term_set, term_key, pattern, is_case_sensitive").fetchall()
    versions = dbt.ref("stg_raw__posting_versions")
    if dbt.is_incremental:
        # fetchall, not fetchone: DuckDB 2.0 refuses more work on a connection whose result was
        # not read to the end.
        [(watermark,)] = session.execute(
            f"select cast(max(loaded_at) as varchar) from {dbt.this}").fetchall()
        if watermark is not None:
            versions = versions.filter(f"loaded_at >= cast('{watermark}' as timestamptz)")
    reader = versions.select(
        "posting_version_id, posting_id, loaded_at, title, description_text"
    ).to_arrow_reader(BATCH_SIZE)
    schema = match_schema(reader.schema, id_column="posting_version_id", carry=CARRY)
    batches = match_batches(terms, reader, fields=FIELDS, id_column="posting_version_id",
                            carry=CARRY)
    return pa.RecordBatchReader.from_batches(schema, batches)
