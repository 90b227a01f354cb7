"""Boards seen in crawled postings that no source crawls yet (warehouse.candidates).

Rebuilt in full every night: the links of every stored version are gathered in SQL (distinct
per posting and link), and each distinct link goes once through the kinds' careers-URL
recognisers. A board any crawl run already covers (``raw.crawl_runs``) is not a candidate.
"""

import pyarrow as pa

from warehouse.candidates import LINKS_SQL, as_rows, find_candidates


def model(dbt, session):
    dbt.config(materialized="table")
    versions = dbt.ref("stg_raw__posting_versions").select(
        "posting_id, source_key, url, apply_url, description_text, first_fetched_at as fetched_at"
    )
    links = versions.query("versions", LINKS_SQL).fetchall()
    runs = dbt.source("raw", "crawl_runs").select("source_key").distinct().fetchall()
    candidates = find_candidates(links, {key for (key,) in runs})
    return pa.table(
        as_rows(candidates),
        schema=pa.schema(
            [
                ("candidate_source_key", pa.string()),
                ("source_kind", pa.string()),
                ("sources_entry", pa.string()),
                ("link_example", pa.string()),
                ("postings_linking", pa.int64()),
                ("seen_in_sources", pa.string()),
                ("first_seen_at", pa.timestamp("us", tz="UTC")),
                ("last_seen_at", pa.timestamp("us", tz="UTC")),
            ]
        ),
    )
