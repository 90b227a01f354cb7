"""Every posting's latest title and description matched against the dictionary.

One row per posting, field (``title`` / ``description``), term set and term found, with the
normalised form that matched and how often it occurs. The matching itself (normalisation, token
boundaries, case policy) is ``warehouse.matching``: two Aho-Corasick passes per text, tested in
tests/warehouse/test_matching.py. Which matches count (context rules, the employer's own name)
and how they add up is decided downstream in SQL, where dbt unit tests cover it.

Postings are read from ``dim_postings`` (a table, so the sightings are aggregated once) in Arrow
record batches and the output is streamed back as an Arrow reader: memory holds one batch of
postings and its matches at a time, whatever the size of the warehouse.
"""

import pyarrow as pa

from warehouse.matching import MATCH_SCHEMA, match_batches

#: Postings per Arrow batch: large enough for the scan to be cheap, small enough to stay bounded.
BATCH_SIZE = 5_000
#: The texts matched, as output ``field`` -> column of dim_postings.
FIELDS = {"title": "title", "description": "description_text"}


def model(dbt, session):
    dbt.config(materialized="table")
    terms = dbt.ref("int_match_terms_unioned").select(
        "term_set, term_key, pattern, is_case_sensitive").fetchall()
    postings = dbt.ref("dim_postings").select("posting_id, title, description_text")
    batches = match_batches(terms, postings.to_arrow_reader(BATCH_SIZE), fields=FIELDS)
    return pa.RecordBatchReader.from_batches(MATCH_SCHEMA, batches)
