"""SYNTHETIC job postings for the benchmarks, drawn from the real fixtures' distributions.

Every posting made here is SYNTHETIC: no site published it. What makes it realistic is where its
parts come from:

* titles, companies, locations, departments and employment types are sampled from the 833 real
  ATS postings of ``fixtures/postings/dataset_open_jobs_data_new_jobs.json`` (their frequencies
  kept, so "Software Engineer" is common and "Club - Pilates" rare);
* descriptions are stitched from the paragraphs of the real Greenhouse, Lever and Ashby
  descriptions (for the ATS sources) and of the 335 real Hacker News "Who is hiring?" postings
  (for Hacker News), taken mostly in their original order so headings are followed by their
  bullets, with a length drawn per source from a log-normal distribution: about 3 KB of text on
  average over the mix, from a few hundred bytes to ~20 KB;
* payloads have each source's real JSON shape: a real fixture record of that source is the
  template, and the fields that differ between postings are replaced.

The corpus mixes the four sources (Greenhouse about 55% of postings, Lever, Ashby and Hacker News
about 15% each), puts about 5% of the jobs into a second source as well (a cross-source
duplicate: same title, company, location and text, another id and another payload shape) and
re-posts about 3% under a new id on the same board. The same ``seed`` gives the same corpus.

Everything streams: :func:`iter_postings` is a generator and :func:`write_landing` writes each
run's landing file as its records come, so a corpus of a million postings (~12 GB of landing
files) never sits in memory.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import random
import re
import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from scrapers.normalize import html_to_text
from scrapers.pipelines.land import MANIFEST_SUFFIX, run_status
from warehouse.config import PROJECT_ROOT

#: The real recorded responses in the repository: the tests' own (tests/fixtures/PROVENANCE.tsv),
#: and beside them the demo's recording (warehouse/recording/PROVENANCE.tsv), which holds the
#: one copy of the responses both use.
DEFAULT_FIXTURES = PROJECT_ROOT / "tests" / "fixtures"
RECORDING_DIR = PROJECT_ROOT / "warehouse" / "recording"

#: Share of postings per source kind, and the log-normal (median bytes, sigma) of the length of
#: their description text. The real fixtures' medians are 6.3 KB (Greenhouse), 4.4 KB (Lever),
#: 3.5 KB (Ashby) and 1.0 KB (Hacker News) on a handful of boards; the ATS medians are scaled
#: down so the mix averages ~3 KB, the figure the loader and matcher targets are stated for.
SOURCE_MIX: dict[str, float] = {
    "greenhouse": 0.55,
    "lever": 0.15,
    "ashby": 0.15,
    "hackernews": 0.15,
}
TEXT_LENGTH: dict[str, tuple[float, float]] = {
    "greenhouse": (3000.0, 0.5),
    "lever": (2600.0, 0.6),
    "ashby": (3000.0, 0.4),
    "hackernews": (1000.0, 0.7),
}
MIN_TEXT, MAX_TEXT = 150, 20_000
#: Postings per crawl run: ATS boards are log-normal around ~120 (a few to ~1,500), a monthly
#: Hacker News thread has ~350 postings.
ATS_RUN_MEDIAN, ATS_RUN_SIGMA, ATS_RUN_MAX = 120.0, 1.0, 1500
HN_RUN_MEAN, HN_RUN_SD = 350.0, 80.0
CROSS_SOURCE_SHARE = 0.05
REPOST_SHARE = 0.03
CORPUS_START = datetime(2026, 1, 1, 1, 0, tzinfo=UTC)

_HEADING = re.compile(r"^[A-Z][^.!?:;]{2,58}:?$")


@dataclass
class Pools:
    """What the synthetic postings are sampled from, read once from the real fixtures."""

    titles: list[str]
    companies: list[str]
    locations: list[str]
    departments: list[str]
    employment_types: list[str]
    ats_paragraphs: list[str]
    hn_paragraphs: list[str]
    greenhouse_templates: list[dict[str, Any]]
    lever_templates: list[dict[str, Any]]
    ashby_templates: list[dict[str, Any]]
    hn_template: dict[str, Any]


def _paragraphs(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").split("\n") if len(line.strip()) >= 3]


def load_pools(fixtures_dir: Path = DEFAULT_FIXTURES) -> Pools:
    """Read the real fixtures into sampling pools (a few MB; the only whole lists kept)."""

    folders = [fixtures_dir, RECORDING_DIR]

    def read(relative: str) -> Any:
        path = next(
            (folder / relative for folder in folders if (folder / relative).is_file()),
            fixtures_dir / relative,
        )
        return json.loads(path.read_text(encoding="utf-8"))

    def names(kind: str, pattern: str) -> list[str]:
        return sorted({path.name for folder in folders for path in (folder / kind).glob(pattern)})

    postings = read("postings/dataset_open_jobs_data_new_jobs.json")
    titles = [p["title"] for p in postings if p.get("title")]
    companies = [p["company"] for p in postings if p.get("company")]
    locations = [loc for p in postings for loc in (p.get("locations") or [])[:1] if loc]
    departments = [p["department"] for p in postings if p.get("department")]
    employment_types = [p["employmentType"] for p in postings if p.get("employmentType")]

    ats: list[str] = []
    greenhouse_templates, lever_templates, ashby_templates = [], [], []
    for name in names("greenhouse", "greenhouse_[0-9]*.json"):
        for job in read(f"greenhouse/{name}").get("jobs", []):
            if job.get("content"):
                ats += _paragraphs(html_to_text(job["content"], escaped=True))
                greenhouse_templates.append({k: v for k, v in job.items() if k != "content"})
            departments += [d["name"] for d in job.get("departments") or [] if d.get("name")]
    for name in names("lever", "lever_*.json"):
        for posting in read(f"lever/{name}"):
            description = posting.get("description") or ""
            for block in posting.get("lists") or []:
                description += (
                    f"<h3>{block.get('text', '')}</h3><ul>{block.get('content', '')}</ul>"
                )
            description += posting.get("additional") or ""
            ats += _paragraphs(html_to_text(description))
            lever_templates.append(
                {
                    k: v
                    for k, v in posting.items()
                    if k
                    not in {
                        "description",
                        "descriptionPlain",
                        "descriptionBody",
                        "descriptionBodyPlain",
                        "opening",
                        "openingPlain",
                        "lists",
                        "additional",
                        "additionalPlain",
                    }
                }
            )
    for name in names("ashby", "ashby_*.json"):
        for job in read(f"ashby/{name}").get("jobs", []):
            ats += _paragraphs(html_to_text(job.get("descriptionHtml")))
            ashby_templates.append(
                {k: v for k, v in job.items() if k not in {"descriptionHtml", "descriptionPlain"}}
            )
    hits = read("hackernews/hn_algolia_comments_full_1.json")["hits"]
    hn: list[str] = []
    hn_template: dict[str, Any] = {}
    for hit in hits:
        if hit.get("parent_id") == hit.get("story_id") and hit.get("comment_text"):
            hn += _paragraphs(html_to_text(hit["comment_text"]))[1:]  # the header line is rebuilt
            hn_template = hn_template or {
                k: v for k, v in hit.items() if k not in {"comment_text", "_highlightResult"}
            }
    return Pools(
        titles,
        companies,
        locations,
        departments,
        employment_types or ["Full-time"],
        ats,
        hn,
        greenhouse_templates,
        lever_templates,
        ashby_templates,
        hn_template,
    )


@dataclass
class Description:
    """One synthetic description: its plain text and the HTML it would be published as."""

    text: str
    html: str
    kind: str

    def html_for(self, kind: str) -> str:
        """The HTML as a source of ``kind`` marks it up (a cross-source duplicate changes it)."""
        if (kind == "hackernews") == (self.kind == "hackernews"):
            return self.html
        return DescriptionMaker.to_html(self.text.split("\n"), kind)


class DescriptionMaker:
    """Stitch realistic descriptions from real paragraphs, mostly in their original order."""

    def __init__(self, rng: random.Random, pools: Pools) -> None:
        self.rng = rng
        self.pools = pools

    def length(self, kind: str) -> int:
        """A text length for a posting of this source, log-normal around the source's median."""
        median, sigma = TEXT_LENGTH[kind]
        return int(min(MAX_TEXT, max(MIN_TEXT, self.rng.lognormvariate(math.log(median), sigma))))

    def make(self, kind: str) -> Description:
        """A description of a posting of this source kind."""
        pool = self.pools.hn_paragraphs if kind == "hackernews" else self.pools.ats_paragraphs
        target = self.length(kind)
        rng = self.rng
        position = rng.randrange(len(pool))
        lines: list[str] = []
        size = 0
        while size < target:
            if rng.random() < 0.15:  # jump elsewhere now and then, so texts differ
                position = rng.randrange(len(pool))
            line = pool[position % len(pool)]
            position += 1
            lines.append(line)
            size += len(line) + 1
        return Description("\n".join(lines), self.to_html(lines, kind), kind)

    @staticmethod
    def to_html(lines: list[str], kind: str) -> str:
        """Mark the lines up as the source would: headings, bullet lists, paragraphs."""
        if kind == "hackernews":
            return "<p>".join(html.escape(line, quote=False) for line in lines)
        parts: list[str] = []
        in_list = False
        for line in lines:
            escaped = html.escape(line, quote=False)
            if _HEADING.match(line):
                tag = f"<h3>{escaped}</h3>"
            elif len(line) < 200:
                tag = f"<li>{escaped}</li>"
                if not in_list:
                    parts.append("<ul>")
                    in_list = True
                parts.append(tag)
                continue
            else:
                tag = f"<p>{escaped}</p>"
            if in_list:
                parts.append("</ul>")
                in_list = False
            parts.append(tag)
        if in_list:
            parts.append("</ul>")
        return "".join(parts)


@dataclass
class Job:
    """The source-independent facts of one synthetic job (what a duplicate shares)."""

    title: str
    company: str
    location: str
    department: str | None
    employment_type: str | None
    workplace: str | None
    description: Description
    posted_at: datetime


@dataclass
class CorpusStats:
    """What a corpus holds, for the bench's log and README."""

    postings: int = 0
    runs: int = 0
    cross_source_duplicates: int = 0
    reposts: int = 0
    payload_bytes: int = 0
    line_bytes: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


def _dump(record: Any) -> str:
    # as scrapers.spiders.base.dump_payload: keys in order, nothing escaped away
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds")


class CorpusGenerator:
    """Generate landing records (the loader's input) run by run; deterministic for a seed."""

    def __init__(
        self,
        seed: int = 20261127,
        pools: Pools | None = None,
        fixtures_dir: Path = DEFAULT_FIXTURES,
    ) -> None:
        self.rng = random.Random(seed)
        self.pools = pools or load_pools(fixtures_dir)
        self.descriptions = DescriptionMaker(self.rng, self.pools)
        self.stats = CorpusStats()
        self._counter = 0
        self._boards: dict[str, int] = {}
        #: Jobs waiting to appear in a run of another source (cross-source duplicates); bounded
        #: by ~5% of one run, never the corpus.
        self._pending: dict[str, deque[Job]] = {kind: deque() for kind in SOURCE_MIX}
        mean_ats = ATS_RUN_MEDIAN * math.exp(ATS_RUN_SIGMA**2 / 2)
        weights = {
            kind: share / (HN_RUN_MEAN if kind == "hackernews" else mean_ats)
            for kind, share in SOURCE_MIX.items()
        }
        self._kinds = list(weights)
        self._run_weights = list(weights.values())

    # ------------------------------------------------------------------ jobs
    def job(self, kind: str, when: datetime) -> Job:
        """A new synthetic job."""
        rng, pools = self.rng, self.pools
        return Job(
            title=rng.choice(pools.titles),
            company=rng.choice(pools.companies),
            location=rng.choice(pools.locations),
            department=rng.choice(pools.departments) if rng.random() < 0.6 else None,
            employment_type=rng.choice(pools.employment_types) if rng.random() < 0.5 else None,
            workplace=rng.choice(["Remote", "Hybrid", "On-site", None]),
            description=self.descriptions.make(kind),
            posted_at=when - timedelta(days=rng.randrange(0, 45), seconds=rng.randrange(86400)),
        )

    def _next_id(self) -> int:
        self._counter += 1
        return self._counter

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    # ------------------------------------------------------------------ one record per source
    def record(self, kind: str, source_key: str, board: str, job: Job) -> dict[str, Any]:
        """The landing record of ``job`` as the spider of ``kind`` would have written it."""
        rng, pools = self.rng, self.pools
        number = self._next_id()
        posted = job.posted_at
        markup = job.description.html_for(kind)
        if kind == "greenhouse":
            posting_id = str((4_000_000 + number) * 1000 + 8)
            url = f"https://job-boards.greenhouse.io/{board}/jobs/{posting_id}"
            template = rng.choice(pools.greenhouse_templates)
            metadata = (
                [
                    {
                        "id": 4036944008,
                        "name": "Location Type",
                        "value": job.workplace,
                        "value_type": "single_select",
                    }
                ]
                if job.workplace
                else []
            )
            payload: dict[str, Any] = {
                **template,
                "absolute_url": url,
                "internal_job_id": number + 4_000_000_000,
                "location": {"name": job.location},
                "metadata": metadata,
                "id": int(posting_id),
                "updated_at": posted.isoformat(timespec="seconds"),
                "requisition_id": str(100_000 + number),
                "title": job.title,
                "company_name": job.company,
                "first_published": posted.isoformat(timespec="seconds"),
                "content": html.escape(markup),
                "departments": (
                    [{"id": 4002063008, "name": job.department, "child_ids": [], "parent_id": None}]
                    if job.department
                    else []
                ),
            }
        elif kind == "lever":
            posting_id = self._uuid()
            url = f"https://jobs.lever.co/{board}/{posting_id}"
            template = rng.choice(pools.lever_templates)
            workplace = (job.workplace or "unspecified").lower().replace("-", "")
            payload = {
                **template,
                "id": posting_id,
                "text": job.title,
                "categories": {
                    "commitment": job.employment_type,
                    "department": job.department,
                    "location": job.location,
                    "team": job.department,
                    "allLocations": [job.location],
                },
                "createdAt": int(posted.timestamp() * 1000),
                "workplaceType": workplace,
                "hostedUrl": url,
                "applyUrl": url + "/apply",
                "description": markup,
                "descriptionPlain": job.description.text,
                "lists": [],
                "additional": "",
                "additionalPlain": "",
            }
        elif kind == "ashby":
            posting_id = self._uuid()
            url = f"https://jobs.ashbyhq.com/{board}/{posting_id}"
            template = rng.choice(pools.ashby_templates)
            workplace = (job.workplace or "OnSite").replace("-", "")
            payload = {
                **template,
                "id": posting_id,
                "title": job.title,
                "department": job.department,
                "team": job.department,
                "employmentType": job.employment_type or "FullTime",
                "location": job.location,
                "publishedAt": _iso(posted),
                "isListed": True,
                "isRemote": workplace == "Remote",
                "workplaceType": workplace,
                "jobUrl": url,
                "applyUrl": url + "/application",
                "descriptionHtml": markup,
                "descriptionPlain": job.description.text,
            }
        else:
            posting_id = str(40_000_000 + number)
            url = f"https://news.ycombinator.com/item?id={posting_id}"
            header = " | ".join(
                part
                for part in (
                    job.company,
                    job.title,
                    job.location,
                    "REMOTE" if job.workplace == "Remote" else None,
                    job.employment_type,
                )
                if part
            )
            comment = html.escape(header, quote=False) + "<p>" + markup
            story = self.pools.hn_template.get("story_id", 47975571)
            payload = {
                **self.pools.hn_template,
                "_tags": ["comment", f"author_u{number}", f"story_{story}"],
                "author": f"u{number}",
                "comment_text": comment,
                "created_at": posted.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "created_at_i": int(posted.timestamp()),
                "objectID": posting_id,
                "parent_id": story,
                "story_id": story,
                "updated_at": posted.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        payload_text = _dump(payload)
        # The spider's envelope (scrapers/items.py): ids, where it came from, the payload as
        # sent, and the entry's company as context for the kinds whose payload lacks it.
        context = {} if kind == "hackernews" else {"company": job.company}
        return {
            "source_kind": kind,
            "source_key": source_key,
            "source_posting_id": posting_id,
            "url": url,
            "payload": payload_text,
            "payload_format": "json",
            "source_context": context,
            "content_hash": hashlib.sha256(payload_text.encode("utf-8")).hexdigest(),
        }

    # ------------------------------------------------------------------ runs
    def _board(self, kind: str, company: str) -> tuple[str, str]:
        if kind == "hackernews":
            return "hackernews:default", "default"
        slug = re.sub(r"[^a-z0-9]+", "", company.lower()) or "board"
        seen = self._boards.get(f"{kind}:{slug}", 0)
        self._boards[f"{kind}:{slug}"] = seen + 1
        board = slug if seen == 0 else f"{slug}{seen + 1}"
        return f"{kind}:{board}", board

    def iter_postings(self, count: int) -> Iterator[dict[str, Any]]:
        """``count`` landing records, run after run (consecutive records of one run)."""
        rng = self.rng
        emitted = 0
        run_number = 0
        while emitted < count:
            kind = rng.choices(self._kinds, self._run_weights)[0]
            company = rng.choice(self.pools.companies)
            source_key, board = self._board(kind, company)
            if kind == "hackernews":
                size = max(50, int(rng.gauss(HN_RUN_MEAN, HN_RUN_SD)))
            else:
                size = int(
                    min(
                        ATS_RUN_MAX,
                        max(3, rng.lognormvariate(math.log(ATS_RUN_MEDIAN), ATS_RUN_SIGMA)),
                    )
                )
            started = CORPUS_START + timedelta(hours=run_number * 0.5)
            run_number += 1
            slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", source_key)
            run_id = f"{started:%Y%m%dT%H%M%S}-{slug}-{rng.getrandbits(32):08x}"
            self.stats.runs += 1
            pending = self._pending[kind]
            for position in range(size):
                if emitted >= count:
                    break
                duplicate = bool(pending) and position % 10 == 0
                job = pending.popleft() if duplicate else self.job(kind, started)
                if kind != "hackernews" and not duplicate:
                    job.company = company  # one company per board
                fetched = started + timedelta(milliseconds=20 * position)
                record = self.record(kind, source_key, board, job)
                record["crawl_run_id"] = run_id
                record["fetched_at"] = _iso(fetched)
                emitted += 1
                self._count(record, duplicate)
                yield record
                if not duplicate and rng.random() < CROSS_SOURCE_SHARE:
                    other = rng.choice([k for k in self._kinds if k != kind])
                    self._pending[other].append(job)
                if not duplicate and rng.random() < REPOST_SHARE and emitted < count:
                    later = replace(
                        job, posted_at=job.posted_at + timedelta(days=rng.randrange(1, 20))
                    )
                    repost = self.record(kind, source_key, board, later)
                    repost["crawl_run_id"] = run_id
                    repost["fetched_at"] = _iso(fetched)
                    emitted += 1
                    self.stats.reposts += 1
                    self._count(repost, False)
                    yield repost

    def _count(self, record: dict[str, Any], duplicate: bool) -> None:
        stats = self.stats
        stats.postings += 1
        stats.cross_source_duplicates += duplicate
        stats.payload_bytes += len(record["payload"])
        stats.by_kind[record["source_kind"]] = stats.by_kind.get(record["source_kind"], 0) + 1

    def iter_descriptions(self, count: int, kind: str = "greenhouse") -> Iterator[Description]:
        """``count`` synthetic descriptions of one source kind."""
        for _ in range(count):
            yield self.descriptions.make(kind)


def write_landing(
    landing_dir: Path,
    count: int,
    seed: int = 20261127,
    fixtures_dir: Path = DEFAULT_FIXTURES,
    chunk: int = 256,
) -> CorpusStats:
    """Write ``count`` SYNTHETIC postings as landing files plus manifests, one per run.

    The layout is the crawler's (``<landing>/<kind>/<board>/<run>.jsonl`` and ``<run>.run.json``);
    lines are written ``chunk`` at a time as they are generated.
    """
    generator = CorpusGenerator(seed, fixtures_dir=fixtures_dir)
    current: dict[str, Any] | None = None
    handle: Any = None
    lines: list[str] = []
    path = Path()

    def finish() -> None:
        nonlocal handle
        if handle is None or current is None:
            return
        handle.writelines(lines)
        lines.clear()
        handle.close()
        handle = None
        manifest = {
            "crawl_run_id": current["crawl_run_id"],
            "source_key": current["source_key"],
            "source_kind": current["source_kind"],
            "started_at": current["started_at"],
            "finished_at": current["finished_at"],
            "finish_reason": "finished",
            "status": run_status(current["postings"], 0, "finished"),
            "requests": 1 + current["postings"] // 100,
            "responses": 1 + current["postings"] // 100,
            "postings": current["postings"],
            "errors": 0,
            "error_summary": None,
            "landing_file": path.name,
            "counters": {"synthetic": True},
        }
        path.with_name(current["crawl_run_id"] + MANIFEST_SUFFIX).write_text(
            json.dumps(manifest, indent=2), encoding="utf-8"
        )

    for record in generator.iter_postings(count):
        if current is None or record["crawl_run_id"] != current["crawl_run_id"]:
            finish()
            kind, _, board = record["source_key"].partition(":")
            directory = landing_dir / kind / re.sub(r"[^A-Za-z0-9_.-]+", "_", board)
            directory.mkdir(parents=True, exist_ok=True)
            path = directory / f"{record['crawl_run_id']}.jsonl"
            handle = path.open("w", encoding="utf-8")
            current = {
                "crawl_run_id": record["crawl_run_id"],
                "source_key": record["source_key"],
                "source_kind": record["source_kind"],
                "started_at": record["fetched_at"],
                "postings": 0,
            }
        line = json.dumps(record, ensure_ascii=False) + "\n"
        generator.stats.line_bytes += len(line)
        lines.append(line)
        current["postings"] += 1
        current["finished_at"] = record["fetched_at"]
        if len(lines) >= chunk:
            handle.writelines(lines)
            lines.clear()
    finish()
    return generator.stats


def greenhouse_board(
    generator: CorpusGenerator, board: str, company: str, jobs: int, when: datetime = CORPUS_START
) -> bytes:
    """A SYNTHETIC Greenhouse ``/v1/boards/<board>/jobs?content=true`` response body.

    The jobs are real fixture jobs with ids, titles, locations and content replaced.
    """
    records = []
    for _ in range(jobs):
        job = generator.job("greenhouse", when)
        job.company = company
        records.append(
            json.loads(generator.record("greenhouse", f"greenhouse:{board}", board, job)["payload"])
        )
    return json.dumps({"jobs": records, "meta": {"total": jobs}}).encode("utf-8")
