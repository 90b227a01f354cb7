"""A corpus of hostile and broken records, one set per source kind. SYNTHETIC.

Every record here is made at test time from a real recorded record of ``tests/fixtures/`` (see
its PROVENANCE.tsv) with one thing broken: no id, no title, an id that is an object, a title
that is a number, a location that is a list, dates that are not dates, bytes that are not UTF-8,
``<script>`` in the description or the title, SQL in the title, a 10 MB description, 10 MB of
unclosed tags, deep nesting, a repeated id, a NUL byte, a lone surrogate. They are written at
test time (nothing of this is stored in the repository) and served on 127.0.0.1 next to the
untouched real records of the same page, so a test can see that the good records of a page
survive the bad ones.

Each :class:`HostileCase` says what must happen to its record: ``stored`` (the payload verbatim,
or with a repaired value and the problem recorded in the run's counters and error summary, and a
posting in staging), ``unparsed`` (the payload stored verbatim, but its kind's parser finds no
posting in it: ``parse_error`` in ``stg_raw__posting_versions_parsed`` names the source, the
record and why, and it reaches no mart) or ``rejected`` (not stored, with a message naming the
source and the record in the run's error summary).
"""

from __future__ import annotations

import copy
import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

from scrapers.kinds.hackernews.parser import parse_hn_comment
from scrapers.spiders.base import dump_payload
from tests.conftest import fixture_path
from warehouse.replay import Route

#: Replaced by two bytes that are not UTF-8 (0xFF 0xFE) after the page is serialised.
BAD_BYTES_MARKER = "BAD-BYTES-HERE"
BAD_BYTES = b"\xff\xfe"
SQL_TITLE = "'); drop table raw.sightings; --"
SCRIPT_TITLE = "<script>alert(1)</script> Staff Engineer"
SCRIPT_DESCRIPTION = "<p>Apply today.</p><script>alert('owned')</script><p>Thanks.</p>"
NUL_TITLE = "Data\x00Engineer"
LONE_SURROGATE_TITLE = "Engineer \ud800"
TEN_MB = 10 * 1024 * 1024
#: Unclosed tags: 2 MB take a careless tag regex over an hour (200 KB took 44 s), ours 0.5 s.
TAG_BOMB_SIZE = 2 * 1024 * 1024
#: Deep enough for Python's json module to give up (RecursionError) on the whole page.
PAGE_BREAKING_DEPTH = 5000
#: Deep, but parseable: the record must be stored with its payload whole.
RECORD_DEPTH = 200

#: Kinds whose API answers JSON, with the names of their fields.
JSON_KINDS: dict[str, dict[str, Any]] = {
    "greenhouse": {
        "fixture": "greenhouse/greenhouse_2.json",
        "id": "id",
        "title": "title",
        "location": ("location",),
        "dates": ("first_published", "updated_at"),
        "description": "content",
        "escaped": True,
    },
    "lever": {
        "fixture": "lever/lever_4.json",
        "id": "id",
        "title": "text",
        "location": ("categories", "location"),
        "dates": ("createdAt",),
        "description": "description",
        "escaped": False,
    },
    "ashby": {
        "fixture": "ashby/ashby_2.json",
        "id": "id",
        "title": "title",
        "location": ("location",),
        "dates": ("publishedAt",),
        "description": "descriptionHtml",
        "escaped": False,
    },
}
HN_STORY_ID = 900001


@dataclass(frozen=True)
class HostileCase:
    """One bad record and what must become of it."""

    kind: str
    case: str
    source_key: str
    #: The record's id as stored (or as named in the rejection message).
    record_id: str
    #: ``stored``, ``unparsed`` or ``rejected``.
    outcome: str
    #: The title expected in stg_raw__posting_versions and marts.dim_postings, when stored.
    title: str | None = None
    #: The exact payload expected in raw.posting_versions, when stored.
    payload: str | None = None
    #: The ``postings/...`` counter that records the problem (None: nothing to record).
    counter: str | None = None
    #: What to find in the run's error summary, or in ``parse_error`` when unparsed (besides the
    #: source key).
    message: str | None = None
    #: Length of the published description, for the huge ones (the payload holds it whole).
    description_length: int | None = None
    #: What the message must name when it is not the record id (a page's path).
    named: str | None = None


@dataclass
class HostileCorpus:
    """Routes serving the corpus, the sources that read it, and every case."""

    routes: list[Route] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    cases: list[HostileCase] = field(default_factory=list)
    #: Source key -> ids of the untouched real records served beside the bad ones.
    real_ids: dict[str, list[str]] = field(default_factory=dict)


def nested(depth: int) -> Any:
    """A JSON value nested ``depth`` levels deep (lists and objects, alternately)."""
    value: Any = "bottom"
    for level in range(depth):
        value = [value] if level % 2 else {"deeper": value}
    return value


def nested_json(depth: int) -> str:
    """The same as :func:`nested`, as JSON text (without recursing in Python)."""
    opening = "".join("[" if level % 2 else '{"deeper":' for level in reversed(range(depth)))
    closing = "".join("]" if level % 2 else "}" for level in range(depth))
    return f'{opening}"bottom"{closing}'


def huge_html(size: int) -> str:
    """Paragraphs of text, ``size`` characters in all."""
    paragraph = "<p>" + "Build and operate machine learning systems at scale. " * 20 + "</p>"
    return (paragraph * (size // len(paragraph) + 1))[:size]


def tag_bomb(size: int) -> str:
    """``size`` characters of tags that never close: quadratic for a careless tag regex."""
    return ('<a href="x" <script <p <' * (size // 24 + 1))[:size]


def set_path(record: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    target = record
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value


#: What staging's ``clean_text`` macro removes from text: control and bidi-control characters.
_HIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]"
)


def cleaned(title: str) -> str:
    """A title as staging keeps it (the raw payload keeps it as sent)."""
    return _HIDDEN.sub("", title).strip()


def repaired(value: Any) -> Any:
    """``value`` with its bad bytes and lone surrogates as U+FFFD, as the spiders store it."""
    if isinstance(value, str):
        value = value.replace(BAD_BYTES_MARKER, "\ufffd\ufffd")
        return re.sub("[\ud800-\udfff]", "\ufffd", value)
    if isinstance(value, list):
        return [repaired(item) for item in value]
    if isinstance(value, dict):
        return {key: repaired(item) for key, item in value.items()}
    return value


def page_bytes(document: Any) -> bytes:
    """A page as the API would send it, then spoiled where the marker is."""
    text = json.dumps(document, ensure_ascii=True)  # keeps lone surrogates as \\ud800 escapes
    return text.encode("ascii").replace(BAD_BYTES_MARKER.encode(), BAD_BYTES)


# ---------------------------------------------------------------------------- JSON APIs
def json_kind_records(
    kind: str, source_key: str, page_path: str, position: int, huge: int
) -> tuple[list[Any], list[HostileCase]]:
    """The hostile records of one JSON API kind (with what must become of each); the first
    comes at ``position`` in the page."""
    spec = JSON_KINDS[kind]
    template = records_of(kind, json.loads(fixture_path(spec["fixture"]).read_bytes()))[0]
    records: list[Any] = []
    cases: list[HostileCase] = []

    def add(
        case: str,
        change: Any,
        outcome: str,
        *,
        title: str | None = None,
        counter: str | None = None,
        message: str | None = None,
        record_id: str | None = None,
        extra: list[Any] | None = None,
        description_length: int | None = None,
        named: str | None = None,
    ) -> None:
        record = copy.deepcopy(template)
        record[spec["id"]] = f"hostile-{case}"
        record[spec["title"]] = title if title is not None else f"Hostile {case}"
        change(record)
        records.append(record)
        records.extend(extra or [])
        stored_title = None
        if outcome == "stored":
            value = record.get(spec["title"])
            stored_title = cleaned(repaired(value if isinstance(value, str) else str(value)))
        cases.append(
            HostileCase(
                kind=kind,
                case=case,
                source_key=source_key,
                record_id=record_id or f"hostile-{case}",
                outcome=outcome,
                title=stored_title,
                payload=dump_payload(repaired(record)) if outcome != "rejected" else None,
                counter=counter,
                message=message,
                description_length=description_length,
                named=named,
            )
        )

    def description(text: str) -> str:
        return html.escape(text) if spec["escaped"] else text

    add(
        "missing_id",
        lambda r: r.pop(spec["id"]),
        "rejected",
        counter="postings/record_error/unparseable_record",
        message="KeyError",
        record_id=f"#{position}",
    )
    add("missing_title", lambda r: r.pop(spec["title"]), "unparsed", message="no title")
    add(
        "id_object",
        lambda r: r.__setitem__(spec["id"], {"value": 42}),
        "rejected",
        counter="postings/record_error/unparseable_record",
        message="source_posting_id is dict",
        record_id="{'value': 42}",
    )
    # The parser reads a number as the text it is written as, and a list as no location.
    add("title_number", lambda r: r.__setitem__(spec["title"], 12345), "stored")
    add("location_list", lambda r: set_path(r, spec["location"], ["Berlin", "Paris"]), "stored")

    def bad_dates(record: dict[str, Any]) -> None:
        for name in spec["dates"]:
            record[name] = "not a date" if name != "updated_at" else "2026-13-45T99:99:99"

    add("invalid_dates", bad_dates, "stored")
    add(
        "non_utf8",
        lambda r: None,
        "stored",
        title=f"{BAD_BYTES_MARKER}Engineer",
        counter="postings/record_error/invalid_utf8",
        message="not UTF-8",
        named=page_path,
    )
    add(
        "script_description",
        lambda r: r.__setitem__(spec["description"], description(SCRIPT_DESCRIPTION)),
        "stored",
    )
    add("script_title", lambda r: None, "stored", title=SCRIPT_TITLE)
    add("sql_title", lambda r: None, "stored", title=SQL_TITLE)
    # A description of ``huge`` characters as the source sends it (escaped or not); Lever's is
    # joined with its lists, so only the others are checked for length.
    whole = None if kind == "lever" else huge
    add(
        "huge_description",
        lambda r: r.__setitem__(spec["description"], description(huge_html(huge))[:huge]),
        "stored",
        description_length=whole,
    )
    add(
        "tag_bomb_description",
        lambda r: r.__setitem__(spec["description"], tag_bomb(min(huge, TAG_BOMB_SIZE))),
        "stored",
        description_length=whole and min(huge, TAG_BOMB_SIZE),
    )
    add("deep_record", lambda r: r.__setitem__("nested", nested(RECORD_DEPTH)), "stored")
    duplicate = copy.deepcopy(template)
    duplicate[spec["id"]] = "hostile-duplicate_id"
    duplicate[spec["title"]] = "Hostile duplicate_id (second)"
    add(
        "duplicate_id",
        lambda r: None,
        "stored",
        title="Hostile duplicate_id (first)",
        counter="postings/item_dropped/duplicate_id",
        message="id repeated",
        extra=[duplicate],
    )
    add("nul_bytes", lambda r: None, "stored", title=NUL_TITLE)
    add(
        "lone_surrogate",
        lambda r: None,
        "stored",
        title=LONE_SURROGATE_TITLE,
        counter="postings/record_error/unexpected_value",
        message="lone surrogate",
    )
    return records, cases


def records_of(kind: str, document: Any) -> list[Any]:
    """The list of records in one page of a JSON API."""
    return document if kind == "lever" else document["jobs"]


def page_of(kind: str, records: list[Any]) -> Any:
    """A page of a JSON API holding ``records``."""
    return records if kind == "lever" else {"jobs": records}


def json_kind_path(kind: str, name: str) -> str:
    return {
        "greenhouse": f"/v1/boards/{name}/jobs",
        "lever": f"/v0/postings/{name}",
        "ashby": f"/posting-api/job-board/{name}",
    }[kind]


def json_kind_source(kind: str, name: str) -> str:
    option = {"greenhouse": "board", "lever": "site", "ashby": "board"}[kind]
    return f'  - {{kind: {kind}, {option}: {name}, api_base: "{{replay}}", delay: 0}}'


def add_json_kind(corpus: HostileCorpus, kind: str, huge: int) -> None:
    """The hostile page of one JSON API kind (bad records among the real ones), and a page
    nested too deeply to parse at all."""
    spec = JSON_KINDS[kind]
    real = records_of(kind, json.loads(fixture_path(spec["fixture"]).read_bytes()))
    source_key = f"{kind}:hostile"
    listed = [r for r in real if not (isinstance(r, dict) and r.get("isListed") is False)]
    records, cases = json_kind_records(
        kind, source_key, json_kind_path(kind, "hostile"), len(listed), huge
    )
    corpus.routes.append(
        Route(
            path=json_kind_path(kind, "hostile"),
            body=page_bytes(page_of(kind, [*real, *records])),
            content_type="application/json",
        )
    )
    corpus.sources.append(json_kind_source(kind, "hostile"))
    corpus.cases.extend(cases)
    corpus.real_ids[source_key] = [str(record[spec["id"]]) for record in real]

    deep_key = f"{kind}:hostile-deep"
    deep_page = page_of(kind, [*real, "@@DEEP@@"])
    body = page_bytes(deep_page).replace(b'"@@DEEP@@"', nested_json(PAGE_BREAKING_DEPTH).encode())
    corpus.routes.append(
        Route(path=json_kind_path(kind, "hostile-deep"), body=body, content_type="application/json")
    )
    corpus.sources.append(json_kind_source(kind, "hostile-deep"))
    corpus.cases.append(
        HostileCase(
            kind=kind,
            case="deep_page",
            source_key=deep_key,
            record_id=json_kind_path(kind, "hostile-deep"),
            outcome="rejected",
            counter="postings/record_error/invalid_json",
            message="nested too deeply",
        )
    )


# ---------------------------------------------------------------------------- Hacker News
def add_hackernews(corpus: HostileCorpus, huge: int) -> None:
    """Hostile top-level comments of a synthetic "Who is hiring?" thread, among real ones."""
    document = json.loads(fixture_path("hackernews/hn_algolia_comments_full_1.json").read_bytes())
    story = str(document["hits"][0]["story_id"])
    real = [
        hit
        for hit in document["hits"]
        if str(hit.get("parent_id")) == story and hit.get("comment_text")
    ][:5]
    for hit in real:
        hit["parent_id"] = hit["story_id"] = HN_STORY_ID
    template = copy.deepcopy(real[0])
    source_key = "hackernews:hostile"
    hits: list[Any] = []
    cases: list[HostileCase] = []

    def add(
        case: str,
        change: Any,
        outcome: str,
        *,
        first_line: str | None = None,
        counter: str | None = None,
        message: str | None = None,
        record_id: str | None = None,
        extra: list[Any] | None = None,
        description_length: int | None = None,
        named: str | None = None,
    ) -> None:
        hit = copy.deepcopy(template)
        hit["objectID"] = f"hostile-{case}"
        line = first_line if first_line is not None else f"Hostile Co | Hostile {case} Engineer"
        hit["comment_text"] = f"{line}<p>We build things.</p>"
        change(hit)
        hits.append(hit)
        hits.extend(extra or [])
        title = None
        if outcome == "stored":
            title = cleaned(parse_hn_comment(repaired(hit["comment_text"]))["title"] or "")
        cases.append(
            HostileCase(
                kind="hackernews",
                case=case,
                source_key=source_key,
                record_id=record_id or f"hostile-{case}",
                outcome=outcome,
                title=title,
                payload=dump_payload(repaired(hit)) if outcome != "rejected" else None,
                counter=counter,
                message=message,
                description_length=description_length,
                named=named,
            )
        )

    position = len(real)
    add(
        "missing_id",
        lambda h: h.pop("objectID"),
        "rejected",
        counter="postings/record_error/unparseable_record",
        message="KeyError",
        record_id=f"#{position}",
    )
    add(
        "missing_title",
        lambda h: h.__setitem__("comment_text", "<p>"),
        "unparsed",
        message="no title",
    )
    add(
        "id_object",
        lambda h: h.__setitem__("objectID", {"value": 42}),
        "rejected",
        counter="postings/record_error/unparseable_record",
        message="source_posting_id is dict",
        record_id="{'value': 42}",
    )
    add(
        "title_number",
        lambda h: h.__setitem__("comment_text", 12345),
        "unparsed",
        message="no comment_text",
    )
    add(
        "location_list",
        lambda h: h.__setitem__("comment_text", ["Hostile Co | Engineer | Berlin"]),
        "unparsed",
        message="no comment_text",
    )
    add("invalid_dates", lambda h: h.update(created_at="not a date", created_at_i="soon"), "stored")
    add(
        "non_utf8",
        lambda h: None,
        "stored",
        first_line=f"Hostile Co | {BAD_BYTES_MARKER}Engineer | Remote",
        counter="postings/record_error/invalid_utf8",
        message="not UTF-8",
        named="/hn-hostile/api/v1/search",
    )
    add(
        "script_description",
        lambda h: h.__setitem__("comment_text", h["comment_text"] + SCRIPT_DESCRIPTION),
        "stored",
    )
    add(
        "script_title",
        lambda h: None,
        "stored",
        first_line=f"Hostile Co | {html.escape(SCRIPT_TITLE)} | Remote",
    )
    add(
        "sql_title",
        lambda h: None,
        "stored",
        first_line=f"Hostile Co | {html.escape(SQL_TITLE)} Engineer | Remote",
    )
    add(
        "huge_description",
        lambda h: h.__setitem__("comment_text", h["comment_text"] + huge_html(huge)),
        "stored",
    )
    add(
        "tag_bomb_description",
        lambda h: h.__setitem__(
            "comment_text", h["comment_text"] + tag_bomb(min(huge, TAG_BOMB_SIZE))
        ),
        "stored",
    )
    add("deep_record", lambda h: h.__setitem__("_highlightResult", nested(RECORD_DEPTH)), "stored")
    duplicate = copy.deepcopy(template)
    duplicate["objectID"] = "hostile-duplicate_id"
    duplicate["comment_text"] = "Other Co | Second Engineer<p>The repeat.</p>"
    add(
        "duplicate_id",
        lambda h: None,
        "stored",
        first_line="Hostile Co | First Engineer",
        counter="postings/item_dropped/duplicate_id",
        message="id repeated",
        extra=[duplicate],
    )
    add("nul_bytes", lambda h: None, "stored", first_line=f"Hostile Co | {NUL_TITLE} | Remote")
    add(
        "lone_surrogate",
        lambda h: None,
        "stored",
        first_line=f"Hostile Co | {LONE_SURROGATE_TITLE} | Remote",
        counter="postings/record_error/unexpected_value",
        message="lone surrogate",
    )

    page = {
        **{k: v for k, v in document.items() if k != "hits"},
        "hits": [*real, *hits],
        "nbPages": 1,
    }
    corpus.routes.append(
        Route(
            path="/hn-hostile/api/v1/search",
            query={"tags": f"comment,story_{HN_STORY_ID}"},
            body=page_bytes(page),
            content_type="application/json",
        )
    )
    corpus.sources.append(
        f"  - {{kind: hackernews, name: hostile, story_ids: [{HN_STORY_ID}], "
        'api_base: "{replay}/hn-hostile", delay: 0}'
    )
    corpus.cases.extend(cases)
    corpus.real_ids[source_key] = [str(hit["objectID"]) for hit in real]

    deep = page_bytes({**page, "hits": [*real, "@@DEEP@@"]}).replace(
        b'"@@DEEP@@"', nested_json(PAGE_BREAKING_DEPTH).encode()
    )
    corpus.routes.append(
        Route(
            path="/hn-hostile-deep/api/v1/search",
            query={"tags": f"comment,story_{HN_STORY_ID}"},
            body=deep,
            content_type="application/json",
        )
    )
    corpus.sources.append(
        f"  - {{kind: hackernews, name: hostile-deep, "
        f'story_ids: [{HN_STORY_ID}], api_base: "{{replay}}/hn-hostile-deep", '
        "delay: 0}"
    )
    corpus.cases.append(
        HostileCase(
            kind="hackernews",
            case="deep_page",
            source_key="hackernews:hostile-deep",
            record_id="/hn-hostile-deep/api/v1/search",
            outcome="rejected",
            counter="postings/record_error/invalid_json",
            message="nested too deeply",
        )
    )


# ---------------------------------------------------------------------------- JSON-LD pages
_JSONLD_BLOCK = re.compile(r'(<script type="application/ld\+json">)(.*?)(</script>)', re.DOTALL)


def add_jsonld(corpus: HostileCorpus, huge: int) -> None:
    """One career page per hostile JobPosting (the real page with its block replaced)."""
    page = fixture_path("jsonld/jsonld_linkedin_1.html").read_text(encoding="utf-8")
    match = _JSONLD_BLOCK.search(page)
    assert match is not None
    template = json.loads(match.group(2))
    source_key = "jsonld:hostile"
    pages: dict[str, bytes] = {}
    cases: list[HostileCase] = []

    def block(posting: Any, raw: str | None = None) -> str:
        text = raw if raw is not None else json.dumps(posting, ensure_ascii=True)
        return match.group(1) + text.replace("</", "<\\/") + match.group(3)

    def add(
        case: str,
        change: Any,
        outcome: str,
        *,
        title: str | None = None,
        counter: str | None = None,
        message: str | None = None,
        record_id: str | None = None,
        extra_blocks: str = "",
        description_length: int | None = None,
        named: str | None = None,
    ) -> None:
        posting = copy.deepcopy(template)
        posting["identifier"] = {"@type": "PropertyValue", "value": f"hostile-{case}"}
        posting["title"] = title if title is not None else f"Hostile {case}"
        change(posting)
        html_page = page[: match.start()] + block(posting) + extra_blocks + page[match.end() :]
        pages[f"/hostile/{case}"] = html_page.encode("utf-8").replace(
            BAD_BYTES_MARKER.encode(), BAD_BYTES
        )
        stored_title = None
        if outcome == "stored":
            value = posting.get("title")
            stored_title = cleaned(repaired(value if isinstance(value, str) else str(value)))
        cases.append(
            HostileCase(
                kind="jsonld",
                case=case,
                source_key=source_key,
                record_id=record_id or f"hostile-{case}",
                outcome=outcome,
                title=stored_title,
                payload=dump_payload(repaired(posting)) if outcome != "rejected" else None,
                counter=counter,
                message=message,
                description_length=description_length,
                named=named,
            )
        )

    add("missing_id", lambda p: p.pop("identifier"), "stored", record_id="/hostile/missing_id")
    add("missing_title", lambda p: p.pop("title"), "unparsed", message="no title")
    add(
        "id_object",
        lambda p: p.__setitem__("identifier", {"value": {"nested": "object"}}),
        "stored",
        record_id="/hostile/id_object",
    )
    add("title_number", lambda p: p.__setitem__("title", 12345), "stored")
    add("location_list", lambda p: p.__setitem__("jobLocation", ["Berlin", "Paris"]), "stored")
    add(
        "invalid_dates", lambda p: p.update(datePosted="not a date", validThrough="never"), "stored"
    )
    add(
        "non_utf8",
        lambda p: None,
        "stored",
        title=f"{BAD_BYTES_MARKER}Engineer",
        counter="postings/record_error/invalid_encoding",
        message="not utf-8",
        named="/hostile/non_utf8",
    )
    add("script_description", lambda p: p.__setitem__("description", SCRIPT_DESCRIPTION), "stored")
    add("script_title", lambda p: None, "stored", title=SCRIPT_TITLE)
    add("sql_title", lambda p: None, "stored", title=SQL_TITLE)
    add(
        "huge_description",
        lambda p: p.__setitem__("description", huge_html(huge)),
        "stored",
        description_length=huge,
    )
    add(
        "tag_bomb_description",
        lambda p: p.__setitem__("description", tag_bomb(min(huge, TAG_BOMB_SIZE))),
        "stored",
        description_length=min(huge, TAG_BOMB_SIZE),
    )
    add("deep_record", lambda p: p.__setitem__("nested", nested(RECORD_DEPTH)), "stored")
    second = copy.deepcopy(template)
    second["identifier"] = {"@type": "PropertyValue", "value": "hostile-duplicate_id"}
    second["title"] = "Hostile duplicate_id (second)"
    add(
        "duplicate_id",
        lambda p: None,
        "stored",
        title="Hostile duplicate_id (first)",
        counter="postings/item_dropped/duplicate_id",
        message="id repeated",
        extra_blocks=block(second),
    )
    add("nul_bytes", lambda p: None, "stored", title=NUL_TITLE)
    add(
        "lone_surrogate",
        lambda p: None,
        "stored",
        title=LONE_SURROGATE_TITLE,
        counter="postings/record_error/unexpected_value",
        message="lone surrogate",
    )
    # A block nested too deeply to parse, beside a good block on the same page.
    add(
        "deep_block",
        lambda p: None,
        "stored",
        title="Hostile deep_block (good neighbour)",
        counter="postings/record_error/invalid_jsonld",
        message="nested too deeply",
        named="/hostile/deep_block",
        extra_blocks=block(None, raw=nested_json(PAGE_BREAKING_DEPTH)),
    )

    for path, body in pages.items():
        corpus.routes.append(Route(path=path, body=body, content_type="text/html; charset=utf-8"))
    urls = "".join(f"<url><loc>{{base}}{path}</loc></url>" for path in pages)
    corpus.routes.append(
        Route(
            path="/hostile/sitemap.xml",
            template=True,
            content_type="application/xml",
            body=(
                '<?xml version="1.0" encoding="UTF-8"?><urlset '
                f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
            ).encode(),
        )
    )
    corpus.sources.append(
        "  - {kind: jsonld, name: hostile, "
        'sitemap: "{replay}/hostile/sitemap.xml", delay: 0, concurrency: 8}'
    )
    corpus.cases.extend(cases)
    corpus.real_ids[source_key] = []


def hostile_corpus(huge: int = TEN_MB) -> HostileCorpus:
    """The whole corpus: every JSON API kind, Hacker News and JSON-LD pages; ``huge`` is the
    size of the huge descriptions (small, to list the cases cheaply)."""
    corpus = HostileCorpus()
    for kind in JSON_KINDS:
        add_json_kind(corpus, kind, huge)
    add_hackernews(corpus, huge)
    add_jsonld(corpus, huge)
    return corpus


def case_ids() -> list[str]:
    """``kind-case`` of every case, without building the huge records."""
    return [f"{case.kind}-{case.case}" for case in hostile_corpus(huge=64).cases]
