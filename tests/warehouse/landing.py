"""Write landing files and run manifests the way the crawler does, for loader tests.

The postings written here are SYNTHETIC (made up by the tests); the crawler's own output on real
recorded responses is tested in tests/scrapers and in the end-to-end test.
"""

from __future__ import annotations

import hashlib
import html
import json
from pathlib import Path
from typing import Any

from scrapers.pipelines.land import MANIFEST_SUFFIX, run_status

#: Fields of a synthetic posting and the defaults the tests rely on.
DEFAULTS: dict[str, Any] = {
    "company_name": "Example Co",
    "location": "Berlin",
    "remote": None,
    "department": None,
    "employment_type": None,
    "posted_at": "2026-11-01T10:00:00Z",
    "description_text": "Build ML systems",
}


def synthetic_payload(
    kind: str, posting_id: str, title: str | None, fields: dict[str, Any]
) -> dict[str, Any]:
    """A payload of the kind's real shape (its API's field names) holding the given fields.

    The kind's own parser (scrapers/kinds/<kind>/parser.py) reads it back, so that a loader or
    dbt test exercises the same path as a crawl. ``description`` is the published HTML; by
    default it is ``description_text`` in a paragraph.
    """
    url = f"https://jobs.example.org/{posting_id}"
    description = fields.get("description") or f"<p>{html.escape(fields['description_text'])}</p>"
    extra = {
        name: value
        for name, value in fields.items()
        if name not in DEFAULTS and name != "description"
    }
    if kind == "greenhouse":
        metadata = []
        if fields["remote"]:
            metadata.append({"name": "Location Type", "value": fields["remote"]})
        if fields["employment_type"]:
            metadata.append({"name": "Employment Type", "value": fields["employment_type"]})
        return {
            "id": posting_id,
            "title": title,
            "company_name": fields["company_name"],
            "location": {"name": fields["location"]},
            "metadata": metadata,
            "departments": [{"name": fields["department"]}] if fields["department"] else [],
            "first_published": fields["posted_at"],
            "absolute_url": url,
            "content": html.escape(description),
            **extra,
        }
    if kind == "lever":
        return {
            "id": posting_id,
            "text": title,
            "hostedUrl": url,
            "categories": {
                "location": fields["location"],
                "team": fields["department"],
                "commitment": fields["employment_type"],
            },
            "workplaceType": fields["remote"],
            "createdAt": fields["posted_at"],
            "description": description,
            **extra,
        }
    if kind == "ashby":
        return {
            "id": posting_id,
            "title": title,
            "jobUrl": url,
            "organizationName": fields["company_name"],
            "location": fields["location"],
            "workplaceType": fields["remote"],
            "department": fields["department"],
            "employmentType": fields["employment_type"],
            "publishedAt": fields["posted_at"],
            "descriptionHtml": description,
            **extra,
        }
    raise ValueError(f"no synthetic payload shape for kind {kind!r}")


def synthetic_posting(
    source_key: str, posting_id: str, title: str | None = "ML Engineer", **fields: Any
) -> dict[str, Any]:
    """A landing record (an envelope) as LandJobPostingPipeline writes it, SYNTHETIC.

    The payload has the kind's real shape and holds ``title`` and ``fields`` (see ``DEFAULTS``);
    the source context names the company, as a sources-file entry would.
    """
    kind = source_key.split(":", 1)[0]
    merged = {**DEFAULTS, **fields}
    payload = json.dumps(
        synthetic_payload(kind, posting_id, title, merged),
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return {
        "source_kind": kind,
        "source_key": source_key,
        "source_posting_id": posting_id,
        "url": f"https://api.example.org/{kind}/jobs",
        "payload": payload,
        "payload_format": "json",
        "source_context": {"company": merged["company_name"]},
        "content_hash": hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest(),
    }


def write_run(
    landing_dir: Path,
    source_key: str,
    run_id: str,
    postings: list[dict[str, Any]],
    *,
    fetched_at: str = "2026-11-27T01:00:00+00:00",
    errors: int = 0,
    finish_reason: str = "finished",
    status: str | None = None,
) -> Path:
    """Write one run's landing file and manifest; return the manifest path."""
    kind, _, name = source_key.partition(":")
    directory = landing_dir / kind / name
    directory.mkdir(parents=True, exist_ok=True)
    landing = directory / f"{run_id}.jsonl"
    with landing.open("w", encoding="utf-8") as handle:
        for record in postings:
            handle.write(
                json.dumps({**record, "crawl_run_id": run_id, "fetched_at": fetched_at}) + "\n"
            )
    manifest = {
        "crawl_run_id": run_id,
        "source_key": source_key,
        "source_kind": kind,
        "started_at": fetched_at,
        "finished_at": fetched_at,
        "finish_reason": finish_reason,
        "status": status or run_status(len(postings), errors, finish_reason),
        "requests": 1,
        "responses": 1,
        "postings": len(postings),
        "errors": errors,
        "error_summary": None,
        "landing_file": landing.name,
        "counters": {},
    }
    path = directory / f"{run_id}{MANIFEST_SUFFIX}"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    return path
