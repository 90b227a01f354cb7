"""The night's landing writer: a child process that writes every source's landing file and manifest.

Why a process. Writing a night's postings cost the crawl's one thread about a quarter of a large
night: 100,000 postings are 570 MB of landing lines, copied into the page cache at about 400 MB/s
here, fsynced, renamed, and a manifest written, fsynced and renamed per source. On a thread
beside the crawl the same work fought the crawl for the interpreter lock: every system call of
the thread took the lock back from the crawl (160,000 context switches for 2,000 boards), and
the crawl was no faster. A child process has an interpreter and a core of its own: the crawl only
copies each page's lines into a pipe, and the child does the rest.

What the files are, and when they are durable, does not change (``scrapers.pipelines.land``):
a run's lines go to ``<run>.jsonl.part``, held under an exclusive ``flock`` while written; when the
run ends it is fsynced and renamed to ``<run>.jsonl``, and only then is the manifest written
(atomically, ``scrapers.landing.write_json_atomically``), composed by the same function as in the
crawler (``scrapers.landing.compose_manifest``). A file that cannot be written (the disk is full)
fails its run alone, with the message the crawler would give. A night killed mid-run leaves
``.part`` files, never loaded and removed at the next start, as before: the child finishes what it
was told to finish and exits when the pipe closes.

The pipe carries frames: a header (``HEADER``: a kind byte, the run's number, the body's length)
and a body. ``O`` opens a run (JSON: ``part``, ``final``, ``source_key``); ``D`` appends lines to
it; ``E`` appends a page's envelopes, made landing lines here (``scrapers.landing.batch_lines``:
each line's content hash and JSON are made off the crawl's thread too); ``X`` drops it (its file
is removed); ``F`` finishes it (JSON: the manifest's draft, see ``compose_manifest``, with
``manifest`` its path and ``write_error`` what the crawl knew of). The child answers each ``F``
with an ``R`` frame (JSON: ``status``, ``postings``, ``errors``, ``write_error``,
``manifest_error``).

Run as ``python -m scrapers.landing_writer`` by :class:`LandingWriter`, never by hand.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import fcntl
import logging
import os
import select
import signal
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from scrapers.landing import (
    batch_lines,
    compose_manifest,
    describe_os_error,
    write_json_atomically,
)

logger = logging.getLogger(__name__)

#: A frame's header: its kind (one byte), the run's number, the body's length (network order).
HEADER = struct.Struct("!cII")
OPEN, DATA, ENVELOPES, DROP, FINISH, REPLY = b"O", b"D", b"E", b"X", b"F", b"R"
#: The pipe's buffer, raised from Linux's 64 KiB so that a page's lines go in one or two writes.
PIPE_BYTES = 2**20
#: The most the crawl buffers for the child before it waits for it (a disk slower than the
#: crawl): its memory stays bounded, and the crawl goes at the disk's pace.
MAX_BUFFERED = 64 * 2**20


# ---------------------------------------------------------------------------------- the child
class RunFile:
    """One run's landing file, in the child: created at its first lines, made durable at its end."""

    def __init__(self, source_key: str, part: str, final: str) -> None:
        self.source_key = source_key
        self.part = Path(part)
        self.final = Path(final)
        self.fd: int | None = None
        #: Why the file could not be written, once it could not: nothing more is written.
        self.error: str | None = None

    def fail(self, error: OSError) -> None:
        """Note, once, why the file cannot be written (the message the crawler gives)."""
        if self.error is None:
            self.error = (
                f"{self.source_key}: the landing file {self.part} could not be written: "
                f"{describe_os_error(error)}"
            )
        self.close()

    def close(self) -> None:
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = None

    def create(self) -> None:
        """The ``.part`` file and its folder; locked while written (``remove_abandoned``)."""
        self.part.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(self.part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def write(self, data: bytes) -> None:
        if self.error is not None:
            return
        try:
            if self.fd is None:
                self.create()
            assert self.fd is not None
            view = memoryview(data)
            while view:
                view = view[os.write(self.fd, view) :]
        except OSError as error:
            self.fail(error)

    def finish(self) -> str | None:
        """fsync and rename the file (an empty one for a run that landed nothing); or remove it
        if it failed. Returns why it failed, if it did."""
        if self.error is None:
            try:
                if self.fd is None:
                    self.create()
                assert self.fd is not None
                os.fsync(self.fd)
            except OSError as error:
                self.fail(error)
        self.close()
        if self.error is None:
            try:
                self.part.replace(self.final)
            except OSError as error:
                self.fail(error)
        if self.error is not None:
            self.drop()
        return self.error

    def drop(self) -> None:
        """Remove the file: an incomplete file is never loaded."""
        self.close()
        if self.part.name:  # a run never opened has no file
            self.part.unlink(missing_ok=True)


def finish_run(run: RunFile | None, draft: dict[str, Any]) -> dict[str, Any]:
    """Make a run's file durable and write its manifest; return the outcome the crawl logs."""
    known_error = draft.get("write_error")
    if run is None:  # never opened: nothing of it reached the disk
        run = RunFile(draft["source_key"], "", "")
        run.error = known_error or f"{draft['source_key']}: the run was never opened"
        error, counted = run.error, known_error is not None
    elif known_error is not None:  # the crawl failed it (its lease was lost...): land nothing
        run.drop()
        error, counted = known_error, True
    else:
        error = run.finish()
        counted = error is None
    manifest = compose_manifest(draft, error, error_counted=counted)
    outcome: dict[str, Any] = {
        "status": manifest.status,
        "postings": manifest.postings,
        "errors": manifest.errors,
        "write_error": error if not counted else None,
        "manifest_error": None,
    }
    try:
        path = Path(draft["manifest"])
        path.parent.mkdir(parents=True, exist_ok=True)
        write_json_atomically(path, manifest.to_dict())
    except OSError as failure:
        outcome["manifest_error"] = describe_os_error(failure)
    return outcome


def serve(source: BinaryIO, reply: int) -> None:
    """The child's loop: read frames until the pipe closes, answer each finish."""
    runs: dict[int, RunFile] = {}
    while True:
        header = source.read(HEADER.size)
        if len(header) < HEADER.size:
            break  # the crawl is done (or gone): what was not finished stays a .part
        kind, number, length = HEADER.unpack(header)
        body = source.read(length) if length else b""
        if len(body) < length:
            break
        if kind == ENVELOPES:
            run = runs.get(number)
            if run is not None and run.error is None:
                run.write(batch_lines(body))
        elif kind == DATA:
            run = runs.get(number)
            if run is not None:
                run.write(body)
        elif kind == OPEN:
            document = orjson.loads(body)
            runs[number] = RunFile(document["source_key"], document["part"], document["final"])
        elif kind == FINISH:
            outcome = finish_run(runs.pop(number, None), orjson.loads(body))
            answer = orjson.dumps(outcome)
            write_all(reply, HEADER.pack(REPLY, number, len(answer)) + answer)
        elif kind == DROP:
            dropped = runs.pop(number, None)
            if dropped is not None:
                dropped.drop()
    for run in runs.values():
        run.close()


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def main() -> int:
    """The child: it outlives an interrupt of the crawl, and ends when the crawl's pipe closes.

    Ctrl-C reaches the whole process group; the crawl then finishes its sources gracefully,
    which needs this process, so it ignores SIGINT and SIGTERM and ends at the end of its input.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    reply = os.dup(1)
    os.dup2(2, 1)  # nothing printed by mistake can ever break a frame
    with os.fdopen(0, "rb", buffering=PIPE_BYTES) as source:
        serve(source, reply)
    return 0


# ---------------------------------------------------------------------------------- the crawl
class LandingWriter:
    """The crawl's end of the child: frames out through a non-blocking pipe, answers back.

    Everything runs on the crawl's event loop (its reader and writer callbacks), so the crawl's
    thread never waits for the disk and no other thread takes its interpreter lock. A child that
    dies fails the runs it held, with a message saying so; the night goes on with the landing
    pipeline writing its own files (``alive`` turns false).
    """

    def __init__(self) -> None:
        self.loop = asyncio.get_event_loop()
        root = str(Path(__file__).resolve().parent.parent)
        path = os.environ.get("PYTHONPATH")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scrapers.landing_writer"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=root,
            env={**os.environ, "PYTHONPATH": root + (os.pathsep + path if path else "")},
        )
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.out = self.process.stdin.fileno()
        self.answers = self.process.stdout.fileno()
        with contextlib.suppress(OSError):  # a smaller pipe only costs more writes
            fcntl.fcntl(self.out, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        os.set_blocking(self.out, False)
        os.set_blocking(self.answers, False)
        self.pending: collections.deque[memoryview] = collections.deque()
        self.buffered = 0
        self.received = bytearray()
        self.waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.runs = 0
        self.alive = True
        #: Why the child is gone, once it is.
        self.death: str | None = None
        self.loop.add_reader(self.answers, self._read)

    # ---------------------------------------------------------------- what the pipeline calls
    def open(self, source_key: str, part: Path, final: Path) -> int:
        """Start a run; returns its number (for ``append``, ``drop`` and ``finish``)."""
        self.runs += 1
        body = orjson.dumps({"source_key": source_key, "part": str(part), "final": str(final)})
        self._send(OPEN, self.runs, body)
        return self.runs

    def append(self, number: int, data: bytes) -> bool:
        """Send lines of a run; False when the child is gone (they will not land)."""
        return self._send(DATA, number, data)

    def append_envelopes(self, number: int, batch: bytes) -> bool:
        """Send a page's envelopes (``scrapers.landing.envelope_batch``); False as ``append``."""
        return self._send(ENVELOPES, number, batch)

    def drop(self, number: int) -> None:
        """Land nothing of a run: its file is removed, no manifest is written."""
        self._send(DROP, number, b"")

    def finish(self, number: int, draft: dict[str, Any]) -> asyncio.Future[dict[str, Any]]:
        """End a run: the future gets the outcome once its file and manifest are written (or
        ``{"writer_died": why}`` when the child went first)."""
        future: asyncio.Future[dict[str, Any]] = self.loop.create_future()
        if self._send(FINISH, number, orjson.dumps(draft)):
            self.waiting[number] = future
        else:
            future.set_result({"writer_died": self.death})
        return future

    async def close(self, timeout: float = 60.0) -> None:
        """Flush what is buffered, close the pipe and wait for the child to end."""
        if self.alive:
            self._flush_blocking(0)
            self.loop.remove_writer(self.out)
        with contextlib.suppress(OSError):
            assert self.process.stdin is not None
            self.process.stdin.close()
        deadline = self.loop.time() + timeout
        while self.process.poll() is None and self.loop.time() < deadline:
            await asyncio.sleep(0.01)
        if self.process.poll() is None:
            logger.error("the landing writer did not end within %.0f s: killed", timeout)
            self.process.kill()
            self.process.wait()
        self._died(f"the landing writer ended (exit status {self.process.returncode})")
        assert self.process.stdout is not None
        self.process.stdout.close()

    # ---------------------------------------------------------------- the pipe
    def _send(self, kind: bytes, number: int, body: bytes) -> bool:
        if not self.alive:
            return False
        header = HEADER.pack(kind, number, len(body))
        if not self.pending:
            try:
                # The header alone: a second copy of the body (to join them) costs more than
                # the system call.
                written = os.writev(self.out, [header, body])
            except BlockingIOError:
                written = 0
            except OSError as error:  # EPIPE: the child is gone
                self._died(f"the landing writer's pipe failed: {error}")
                return False
            total = len(header) + len(body)
            if written == total:
                return True
            if written < len(header):
                self._queue(memoryview(header)[written:])
                self._queue(memoryview(body))
            else:
                self._queue(memoryview(body)[written - len(header) :])
            self.loop.add_writer(self.out, self._write)
        else:
            self._queue(memoryview(header))
            self._queue(memoryview(body))
        if self.buffered > MAX_BUFFERED:
            self._flush_blocking(MAX_BUFFERED // 2)
        return self.alive

    def _queue(self, view: memoryview) -> None:
        if view:
            self.pending.append(view)
            self.buffered += len(view)

    def _write(self) -> None:
        """The pipe has room: write what is buffered, as much as it takes."""
        try:
            while self.pending:
                view = self.pending[0]
                written = os.write(self.out, view)
                self.buffered -= written
                if written < len(view):
                    self.pending[0] = view[written:]
                    return
                self.pending.popleft()
        except BlockingIOError:
            return
        except OSError as error:
            self._died(f"the landing writer's pipe failed: {error}")
            return
        self.loop.remove_writer(self.out)

    def _flush_blocking(self, down_to: int) -> None:
        """Wait for the child until at most ``down_to`` bytes are buffered (back-pressure)."""
        while self.alive and self.buffered > down_to:
            select.select([], [self.out], [], 1.0)
            self._write()
            if self.process.poll() is not None:
                self._died(f"the landing writer ended (exit status {self.process.returncode})")

    def _read(self) -> None:
        """Answers from the child: resolve the runs they are for."""
        try:
            chunk = os.read(self.answers, 65536)
        except BlockingIOError:
            return
        except OSError as error:
            chunk, reason = b"", f"its pipe failed: {error}"
        else:
            reason = "it ended"
        if not chunk:
            code = self.process.poll()
            self._died(f"the landing writer stopped ({reason}, exit status {code})")
            return
        self.received += chunk
        while len(self.received) >= HEADER.size:
            _, number, length = HEADER.unpack_from(self.received)
            end = HEADER.size + length
            if len(self.received) < end:
                break
            outcome = orjson.loads(bytes(self.received[HEADER.size : end]))
            del self.received[:end]
            future = self.waiting.pop(number, None)
            if future is not None and not future.done():
                future.set_result(outcome)

    def _died(self, reason: str) -> None:
        """The child is gone: every run it held fails; new runs are written in the crawl."""
        if not self.alive:
            return
        self.alive = False
        self.death = reason
        self.pending.clear()
        self.buffered = 0
        with contextlib.suppress(Exception):
            self.loop.remove_reader(self.answers)
        with contextlib.suppress(Exception):
            self.loop.remove_writer(self.out)
        waiting, self.waiting = self.waiting, {}
        if waiting:
            logger.error("%s: %d runs it held fail", reason, len(waiting))
        for future in waiting.values():
            if not future.done():
                future.set_result({"writer_died": reason})


if __name__ == "__main__":
    raise SystemExit(main())
