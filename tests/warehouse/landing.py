"""Write landing files and run manifests the way the crawler does, for loader tests.

The postings written here are SYNTHETIC (made up by the tests); the crawler's own output on real
recorded responses is tested in tests/scrapers and in the end-to-end test.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from scrapers.pipelines.land import MANIFEST_SUFFIX, run_status


def synthetic_posting(source_key: str, posting_id: str, title: str = "ML Engineer",
                      **fields: Any) -> dict[str, Any]:
    """A landing record as LandJobPostingPipeline writes it; payload derived from the fields."""
    payload = json.dumps({"id": posting_id, "title": title, **fields}, sort_keys=True)
    record: dict[str, Any] = {
        "source_kind": source_key.split(":", 1)[0],
        "source_key": source_key,
        "source_posting_id": posting_id,
        "url": f"https://jobs.example.org/{posting_id}",
        "title": title,
        "company_name": "Example Co",
        "location": "Berlin",
        "remote": None,
        "department": None,
        "employment_type": None,
        "posted_at": "2026-11-01T10:00:00Z",
        "description": "<p>Build ML systems</p>",
        "description_format": "html",
        "description_text": "Build ML systems",
        "payload": payload,
        "payload_format": "json",
        "content_hash": hashlib.sha256(payload.encode()).hexdigest(),
    }
    record.update({k: v for k, v in fields.items() if k in record})
    return record


def write_run(landing_dir: Path, source_key: str, run_id: str, postings: list[dict[str, Any]],
              *, fetched_at: str = "2026-11-27T01:00:00+00:00", errors: int = 0,
              finish_reason: str = "finished", status: str | None = None) -> Path:
    """Write one run's landing file and manifest; return the manifest path."""
    kind, _, name = source_key.partition(":")
    directory = landing_dir / kind / name
    directory.mkdir(parents=True, exist_ok=True)
    landing = directory / f"{run_id}.jsonl"
    with landing.open("w", encoding="utf-8") as handle:
        for record in postings:
            handle.write(json.dumps({**record, "crawl_run_id": run_id,
                                     "fetched_at": fetched_at}) + "\n")
    manifest = {
        "crawl_run_id": run_id, "source_key": source_key, "source_kind": kind,
        "started_at": fetched_at, "finished_at": fetched_at, "finish_reason": finish_reason,
        "status": status or run_status(len(postings), errors, finish_reason),
        "requests": 1, "responses": 1, "postings": len(postings), "errors": errors,
        "error_summary": None, "landing_file": landing.name, "counters": {},
    }
    path = directory / f"{run_id}{MANIFEST_SUFFIX}"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    return path
