"""The landing contract: where a source's runs land, and what a run's manifest says.

The landing writer (``scrapers.pipelines.land``), the runner (``scrapers.runner``, which looks for
the manifest of every crawl it started and writes one for a crawl that could not start) and the
loader (``warehouse.load``) all go through this module, so that they can never disagree about a
folder name or a manifest field again: before it, the writer and the runner slugged names in two
different ways, and a board called ``zürich`` landed in one folder while the runner looked in
another and recorded the crawl as ``failed``.

Layout: ``<landing_dir>/<kind>/<source folder>/<crawl_run_id>.jsonl`` (``.jsonl.part`` while the
crawl runs) and ``<crawl_run_id>.run.json``, the manifest, written last.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import logging
import os
import re
import struct
import threading
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from scrapers.items import JobPostingItem

logger = logging.getLogger(__name__)

MANIFEST_SUFFIX = ".run.json"
LANDING_SUFFIX = ".jsonl"
PART_SUFFIX = ".jsonl.part"

#: A source folder name is at most this many bytes of UTF-8 (file systems allow 255 per name,
#: and the run id, which repeats the folder name, needs room for its stamp and suffixes).
MAX_FOLDER_BYTES = 96
#: Hex digits of the key's sha256 appended when a name had to be changed to be a folder name.
HASH_DIGITS = 10
#: Characters kept as they are: letters and digits of any script, and ``-``, ``_``, ``.``.
_UNSAFE = re.compile(r"[^\w.-]", re.UNICODE)


def source_folder_name(source_key: str) -> str:
    """The folder of one source's runs: readable, stable, unique per key, always a valid name.

    ``greenhouse:anthropic`` is ``greenhouse_anthropic`` (the first ``:`` becomes ``_``; folder
    names of keys made of letters, digits, ``-_.`` are as they always were). Letters of any
    script are kept (``greenhouse_zürich``). A key that needed any other change (``/``, ``,``,
    spaces, control characters, a name that is only dots) or that is longer than
    ``MAX_FOLDER_BYTES`` is made safe, shortened, and given ``-<sha256 of the key>`` so that two
    keys never share a folder.
    """
    text = unicodedata.normalize("NFC", source_key)
    kind, separator, identity = text.partition(":")
    readable = f"{kind}_{identity}" if separator else text
    safe = _UNSAFE.sub("_", readable)
    # ``_`` for a control or format character too (\w has none, but be explicit about why).
    changed = safe != readable or text != source_key or not safe.strip("._")
    if not changed and len(safe.encode("utf-8")) <= MAX_FOLDER_BYTES:
        return safe
    digest = hashlib.sha256(source_key.encode("utf-8", "surrogatepass")).hexdigest()[:HASH_DIGITS]
    budget = MAX_FOLDER_BYTES - HASH_DIGITS - 1
    shortened = safe.encode("utf-8")[:budget].decode("utf-8", errors="ignore")
    shortened = re.sub(r"_{2,}", "_", shortened).strip("_") or "source"
    return f"{shortened}-{digest}"


def source_directory(landing_dir: Path, source_kind: str, source_key: str) -> Path:
    """The directory that holds every run of one source."""
    return Path(landing_dir) / source_kind / source_folder_name(source_key)


#: Random bytes for run ids, drawn from the OS a few thousand at a time (``_random_hex``).
_RANDOM_POOL = bytearray()
_RANDOM_LOCK = threading.Lock()


def _random_hex(count: int) -> str:
    """``count`` random bytes from the OS as hex, without a system call per run id.

    ``uuid.uuid4`` asks the OS for 16 bytes each time: a night of thousands of boards made as
    many system calls, each one a chance for the thread writing manifests to take the
    interpreter from the crawl's thread. A forked child starts with an empty pool, so it never
    repeats its parent's ids.
    """
    with _RANDOM_LOCK:
        if len(_RANDOM_POOL) < count:
            _RANDOM_POOL.extend(os.urandom(4096))
        value = bytes(_RANDOM_POOL[-count:])
        del _RANDOM_POOL[-count:]
    return value.hex()


os.register_at_fork(after_in_child=_RANDOM_POOL.clear)


def new_crawl_run_id(source_key: str) -> str:
    """A sortable, unique id for one spider run of one source (its folder name inside)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    return f"{stamp}-{source_folder_name(source_key)}-{_random_hex(4)}"


def manifest_path(landing_dir: Path, source_kind: str, source_key: str, crawl_run_id: str) -> Path:
    """Where the manifest of one run is (or will be) written."""
    directory = source_directory(landing_dir, source_kind, source_key)
    return directory / f"{crawl_run_id}{MANIFEST_SUFFIX}"


#: The fields of a landing line, in their order: ``scrapers.items.JobPostingItem``'s
#: (``encoded_payload`` is how the payload is written, not a field of its own).
ENVELOPE_FIELDS = tuple(
    spec.name for spec in fields(JobPostingItem) if spec.name != "encoded_payload"
)
#: The fields of an envelope that travel in an envelope batch beside its payload's bytes.
_BATCHED_FIELDS = tuple(
    name for name in ENVELOPE_FIELDS if name not in ("payload", "crawl_run_id", "fetched_at")
)
#: An envelope batch's header: the length of its JSON part.
_BATCH_HEADER = struct.Struct("!I")


def json_string(compact_json: bytes) -> bytes:
    """orjson's output (compact JSON) as a JSON string holding it, without decoding it.

    Only ``"`` and ``\\`` need escaping: compact JSON holds no raw control character (inside
    its strings they are escaped already), and orjson leaves every other character as it is,
    so this is byte for byte what ``orjson.dumps`` writes for the same text.
    """
    return b'"' + compact_json.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'


def envelope_bytes_line(record: dict[str, Any], payload: bytes) -> bytes:
    """The landing line of an envelope whose payload is orjson's UTF-8 ``payload`` (the other
    fields in ``record``): the payload goes in as those bytes made a JSON string, and the
    content hash, when not given, is their sha256."""
    if record.get("content_hash") is None:
        record["content_hash"] = hashlib.sha256(payload).hexdigest()
    record["payload"] = orjson.Fragment(json_string(payload))
    return orjson.dumps({name: record[name] for name in ENVELOPE_FIELDS})


def envelope_batch(
    crawl_run_id: str, fetched_at: str, entries: list[tuple[dict[str, Any], bytes] | bytes]
) -> bytes:
    """A page's envelopes for the landing writer process, which makes them landing lines.

    An entry is ``(fields, payload bytes)`` (its line is made there, hash included: the work
    leaves the crawl's thread) or a line made already (a payload that is only text). Raises
    TypeError when a field is not JSON orjson writes (the caller then makes the lines itself).
    """
    meta: list[Any] = []
    blobs: list[bytes] = []
    for entry in entries:
        if isinstance(entry, bytes):
            meta.append(len(entry))
            blobs.append(entry)
        else:
            fields_of, payload = entry
            meta.append([*(fields_of[name] for name in _BATCHED_FIELDS), len(payload)])
            blobs.append(payload)
    head = orjson.dumps([crawl_run_id, fetched_at, meta])
    return _BATCH_HEADER.pack(len(head)) + head + b"".join(blobs)


def batch_lines(batch: bytes) -> bytes:
    """The landing lines (each ending in a newline) of an :func:`envelope_batch`."""
    view = memoryview(batch)
    (size,) = _BATCH_HEADER.unpack_from(view)
    start = _BATCH_HEADER.size
    crawl_run_id, fetched_at, meta = orjson.loads(view[start : start + size])
    position = start + size
    lines = []
    for entry in meta:
        if isinstance(entry, int):
            lines.append(bytes(view[position : position + entry]))
            position += entry
            continue
        *values, length = entry
        payload = bytes(view[position : position + length])
        position += length
        record = dict(zip(_BATCHED_FIELDS, values, strict=True))
        record["crawl_run_id"], record["fetched_at"] = crawl_run_id, fetched_at
        lines.append(envelope_bytes_line(record, payload))
    lines.append(b"")
    return b"\n".join(lines)


def utc_now() -> str:
    """The current time in UTC as ISO 8601 text."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


class ManifestError(ValueError):
    """A run manifest that cannot be read or lacks a required field; the message names it."""


#: Fields every manifest must have (non-empty) to be loaded.
REQUIRED_FIELDS = ("crawl_run_id", "source_key", "source_kind", "status", "started_at")


@dataclass(kw_only=True)
class RunManifest:
    """What one spider run reports: written by the landing writer (or the runner), read by the
    loader. The JSON form is the one manifests have always had; fields added later have defaults,
    so older manifests still load, and unknown fields are ignored."""

    crawl_run_id: str
    source_key: str
    source_kind: str
    status: str
    started_at: str
    finished_at: str | None = None
    finish_reason: str | None = None
    requests: int = 0
    responses: int = 0
    postings: int = 0
    errors: int = 0
    error_summary: str | None = None
    #: The landing file's name, beside the manifest; None when the run landed nothing.
    landing_file: str | None = None
    counters: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The manifest as the JSON document it is stored as."""
        return asdict(self)

    @classmethod
    def from_dict(cls, document: Any, origin: str = "manifest") -> RunManifest:
        """A manifest from its JSON document; ``origin`` names it in errors."""
        if not isinstance(document, dict):
            raise ManifestError(f"{origin}: run manifest is not a JSON object")
        for name in REQUIRED_FIELDS:
            if not document.get(name):
                raise ManifestError(f"{origin}: run manifest has no {name!r}")
        known = {spec.name for spec in fields(cls)}
        values = {name: value for name, value in document.items() if name in known}
        try:
            for name in ("requests", "responses", "postings", "errors"):
                values[name] = int(values.get(name) or 0)
        except (TypeError, ValueError) as error:
            raise ManifestError(
                f"{origin}: run manifest has a count that is not a number ({error})"
            ) from error
        for name in ("crawl_run_id", "source_key", "source_kind", "status", "started_at"):
            values[name] = str(values[name])
        values["counters"] = dict(values.get("counters") or {})
        return cls(**values)

    @classmethod
    def read(cls, path: Path) -> RunManifest:
        """Read a manifest file; raises ``ManifestError`` naming the file."""
        try:
            document = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ManifestError(f"{path}: unreadable run manifest: {error}") from error
        return cls.from_dict(document, str(path))

    def write(self, path: Path) -> None:
        """Write the manifest so that readers see all of it or none of it."""
        write_json_atomically(path, self.to_dict())

    def landing_path(self, manifest_file: Path) -> Path | None:
        """The run's landing file, beside its manifest (None when it landed nothing)."""
        return manifest_file.with_name(self.landing_file) if self.landing_file else None


def run_status(postings: int, errors: int, finish_reason: str, skipped: bool = False) -> str:
    """How a run ended: succeeded, partial, empty, skipped or failed.

    Only a ``succeeded`` run may close postings it did not see; ``empty`` (no postings and no
    error), ``skipped`` (the source was not asked at all, e.g. its API key is not set) and
    ``partial`` runs close nothing, and ``failed`` runs add nothing.
    """
    if skipped and postings == 0 and not errors:
        return "skipped"
    if postings == 0:
        return "failed" if errors or finish_reason != "finished" else "empty"
    if errors or finish_reason != "finished":
        return "partial"
    return "succeeded"


#: The stats counters a manifest keeps (its ``counters``), by prefix.
MANIFEST_COUNTER_PREFIXES = ("postings/", "spider_exceptions/", "retry/")
#: The stats a manifest is made of: its counters and the request and response counts.
MANIFEST_STATS = ("downloader/request_count", "downloader/response_count")


def manifest_stats(stats: dict[str, Any]) -> dict[str, Any]:
    """The part of a run's stats its manifest is made of (JSON as it is: counts, no times)."""
    return {
        key: value
        for key, value in stats.items()
        if key.startswith(MANIFEST_COUNTER_PREFIXES) or key in MANIFEST_STATS
    }


def compose_manifest(
    draft: dict[str, Any], write_error: str | None, error_counted: bool = True
) -> RunManifest:
    """The manifest of a finished run, from what the crawl knew of it and how its file ended.

    ``draft``: ``crawl_run_id``, ``source_key``, ``source_kind``, ``started_at``, ``reason`` (how
    the spider closed), ``postings`` (landed, if the file holds), ``stats`` (``manifest_stats``),
    ``messages`` (the spider's error messages) and ``landing_file`` (the file's final name).
    ``write_error``: why the landing file could not be written, if it could not; the run then
    fails and lands nothing. ``error_counted``: that error is already in ``stats`` (found before
    the stats were read); one found after, where the file was made durable, is counted here.
    One function for the landing pipeline and the night's landing writer process
    (``scrapers.landing_writer``), so that the two never write different manifests.
    """
    stats: dict[str, Any] = draft["stats"]
    errors = int(stats.get("postings/errors", 0)) + sum(
        int(value) for key, value in stats.items() if key.startswith("spider_exceptions/")
    )
    if write_error is not None and not error_counted:
        errors += 1
    counters = {
        key: value for key, value in stats.items() if key.startswith(MANIFEST_COUNTER_PREFIXES)
    }
    source_key, reason = draft["source_key"], draft["reason"]
    messages = [str(message) for message in draft.get("messages") or []]
    if reason != "finished":  # e.g. closespider_pagecount: the source's max_requests bound
        messages.insert(0, f"{source_key}: run stopped before its end: {reason}")
    if any(key.startswith("spider_exceptions/") for key in counters):
        messages.append(
            f"{source_key}: uncaught exceptions in callbacks: "
            + ", ".join(k for k in counters if k.startswith("spider_exceptions/"))
        )
    landed = write_error is None
    if not landed:
        messages.insert(0, write_error or "")
    postings = int(draft["postings"])
    return RunManifest(
        crawl_run_id=draft["crawl_run_id"],
        source_key=source_key,
        source_kind=draft["source_kind"],
        started_at=draft["started_at"],
        finished_at=utc_now(),
        finish_reason=reason,
        status=run_status(
            postings,
            errors,
            reason,
            skipped=bool(stats.get("postings/skipped/missing_credentials")),
        )
        if landed
        else "failed",
        requests=int(stats.get("downloader/request_count", 0)),
        responses=int(stats.get("downloader/response_count", 0)),
        postings=postings if landed else 0,
        errors=errors,
        error_summary="\n".join(messages) or None,
        landing_file=draft["landing_file"] if landed else None,
        counters=counters,
    )


def write_json_atomically(path: Path, document: dict[str, Any]) -> None:
    """Write a small JSON document so that readers see all of it or none of it.

    A failed write (the disk is full) removes its temporary file rather than leave it behind.
    Written by orjson (indented, UTF-8): the standard library's indented writer is pure
    Python, and a night writes one manifest per board on the thread beside the crawl's, where
    its time is taken from the crawl's share of the interpreter.
    """
    temporary = path.with_name(path.name + ".tmp")
    try:
        data = orjson.dumps(document, option=orjson.OPT_INDENT_2)
    except TypeError:  # what orjson cannot write (a key that is not a string...)
        data = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    try:
        with temporary.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


#: ``errno`` values that mean the file system has no room left.
_NO_SPACE = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def is_disk_full(error: BaseException) -> bool:
    """True when ``error`` (or what caused it) says the disk or quota is full."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in _NO_SPACE:
            return True
        if "No space left on device" in str(seen) or "disk is full" in str(seen).lower():
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def describe_os_error(error: BaseException) -> str:
    """An OS error in words a person acts on: a full disk says so, with the file it was at."""
    where = getattr(error, "filename", None)
    if is_disk_full(error):
        return f"the disk is full{f' (writing {where})' if where else ''}: free space and rerun"
    return f"{type(error).__name__}: {error}"


#: A temporary manifest (``<run>.run.json.tmp``) older than this was left by a crawl that died.
STALE_TEMPORARY_SECONDS = 3600


def remove_abandoned(landing_dir: Path) -> list[Path]:
    """Delete what crawls that died left behind; return what was removed.

    A ``.jsonl.part`` file is removed when no crawler holds it: the landing writer keeps an
    exclusive ``flock`` on it while it writes, so a running crawl's file is never touched, and
    one whose crawler was killed (or ran out of disk) is. Temporary manifests older than an hour
    go too. The loader never loads either, so nothing is lost that could have been loaded.
    """
    removed: list[Path] = []
    landing_dir = Path(landing_dir)
    if not landing_dir.is_dir():
        return removed
    for path in sorted(landing_dir.rglob(f"*{PART_SUFFIX}")):
        try:
            with path.open("rb") as handle:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                path.unlink()
        except BlockingIOError:
            continue  # a crawler is writing it
        except FileNotFoundError:
            continue
        removed.append(path)
        logger.warning(
            "Removed %s: its crawl never finished (no manifest, no crawler writing it)", path
        )
    now = datetime.now(UTC).timestamp()
    for path in sorted(landing_dir.rglob(f"*{MANIFEST_SUFFIX}.tmp")):
        try:
            if now - path.stat().st_mtime > STALE_TEMPORARY_SECONDS:
                path.unlink()
                removed.append(path)
                logger.warning("Removed %s: a manifest its crawl never finished writing", path)
        except FileNotFoundError:
            continue
    return removed
