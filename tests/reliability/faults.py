"""A replay server that misbehaves on request: the bad nights of a real job board, on 127.0.0.1.

:class:`FaultyReplayServer` serves routes exactly as :class:`warehouse.replay.ReplayServer` does
(the demo keeps using that one, unchanged), except on the paths given a :class:`Fault`: there it
answers 429 with ``Retry-After``, 500/503, hangs, drops the connection mid-body, truncates the
body, sends HTML instead of JSON, redirects in a loop, sends a body larger than the crawler's
``DOWNLOAD_MAXSIZE``, puts bytes that are not UTF-8 in a title, or drips the body slowly. A fault
may stop after its first ``times`` requests (then the route answers normally), so recovery can
be tested too. Every request is logged with its arrival time, so tests can count retries and
measure the spacing of requests to one host.

Every wait is bounded and ends at once when the server stops, so no test can hang on it.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, urlencode, urlsplit

from warehouse.replay import ReplayServer, Route

#: Every fault kind the server knows.
KINDS = (
    "status",
    "hang",
    "drop",
    "truncate",
    "html",
    "redirect_loop",
    "huge",
    "invalid_utf8",
    "slow_drip",
)
#: No single fault stalls a request for longer than this, whatever a test asks, and every stall
#: ends at once when the server stops. (The faults of a nightly stall a few seconds; only the
#: crawl that a test kills is held longer, until the kill.)
MAX_STALL_SECONDS = 60.0


@dataclass(frozen=True)
class Fault:
    """How one path misbehaves.

    ``times``: misbehave on the first ``times`` requests of the path, then answer normally;
    ``None`` means on every request. ``status`` and ``retry_after`` are for ``status`` faults;
    ``seconds`` is how long a ``hang`` stalls or a ``slow_drip`` takes in all; ``size`` is the
    body size of a ``huge`` answer, sent with (``announced``) or without a Content-Length;
    ``endless`` makes a ``redirect_loop`` a chain of new URLs instead of A -> B -> A.
    """

    kind: str
    times: int | None = None
    status: int = 503
    retry_after: str | None = None
    seconds: float = 0.0
    size: int = 0
    announced: bool = True
    endless: bool = False

    def __post_init__(self) -> None:
        assert self.kind in KINDS, self.kind


class FaultyReplayServer(ReplayServer):
    """A :class:`ReplayServer` with faults on some paths; logs every request with its time."""

    def __init__(self, routes: list[Route], faults: dict[str, Fault] | None = None) -> None:
        """``faults`` maps a path (optionally with query items that must match, as in
        ``/v0/postings/x?skip=250``) to the way it misbehaves."""
        super().__init__(routes)
        self.faults = dict(faults or {})
        self._fault_keys = [
            (key, urlsplit(key).path, dict(parse_qsl(urlsplit(key).query))) for key in self.faults
        ]
        self.fault_hits: Counter[str] = Counter()
        #: (arrival time on the monotonic clock, path with query) of every request.
        self.timeline: list[tuple[float, str]] = []
        #: Requests per path (without query).
        self.hits: Counter[str] = Counter()
        self.stopping = threading.Event()

    def requests_to(self, path: str) -> int:
        """How many requests the server saw for ``path`` (any query)."""
        with self._lock:
            return self.hits[path]

    def times_of(self, path: str) -> list[float]:
        """Arrival times of the requests for ``path`` (any query), in order."""
        with self._lock:
            return [when for when, seen in self.timeline if urlsplit(seen).path == path]

    def handle(self, handler: BaseHTTPRequestHandler, body: bytes | None = None) -> None:
        """Log the request; misbehave if a fault is on its path, else answer as a replay."""
        parts = urlsplit(handler.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        key = next(
            (
                key
                for key, path, items in self._fault_keys
                if path == parts.path
                and all(query.get(name) == value for name, value in items.items())
            ),
            None,
        )
        with self._lock:
            self.timeline.append((time.monotonic(), handler.path))
            self.hits[parts.path] += 1
            if key is not None:
                self.fault_hits[key] += 1
            count = self.fault_hits[key] if key is not None else 0
        fault = self.faults[key] if key is not None else None
        try:
            if fault is not None and (fault.times is None or count <= fault.times):
                with self._lock:
                    self.requests.append(handler.path)
                route = next((r for r in self.routes if r.matches(parts.path, query)), None)
                self.misbehave(handler, fault, route)
            else:
                super().handle(handler, body)
        except OSError:  # the client gave up (a timeout, a cancelled download): nothing to do
            handler.close_connection = True

    def misbehave(self, handler: BaseHTTPRequestHandler, fault: Fault, route: Route | None) -> None:
        """Answer one request the way ``fault`` says."""
        parts = urlsplit(handler.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        body = route.content(self.base_url) if route is not None else b"{}"
        mime = route.mime_type() if route is not None else "application/json"
        if fault.kind == "status":
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            self.send(
                handler,
                fault.status,
                b"<html><body>Try again later</body></html>",
                "text/html; charset=utf-8",
                headers,
            )
        elif fault.kind == "hang":
            self.stopping.wait(min(fault.seconds, MAX_STALL_SECONDS))
            self.send(handler, 200, body, mime)
        elif fault.kind == "drop":
            handler.close_connection = True
            handler.send_response(200)
            handler.send_header("Content-Type", mime)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body[: len(body) // 2])
            handler.wfile.flush()
            handler.connection.shutdown(socket.SHUT_RDWR)
        elif fault.kind == "truncate":
            self.send(handler, 200, body[: len(body) // 2], mime)
        elif fault.kind == "html":
            self.send(
                handler,
                200,
                b"<!doctype html><html><head><title>Maintenance</title>"
                b"</head><body><h1>We'll be back soon</h1></body></html>",
                "text/html; charset=utf-8",
            )
        elif fault.kind == "redirect_loop":
            # The path with ?loop=1 and ?loop=2 send the client to each other (A -> B -> A);
            # with ``endless``, every hop goes to a new URL instead (?loop=1, 2, 3, ...).
            hop = int(query.get("loop", "0"))
            following = hop + 1 if fault.endless or hop < 2 else 1
            rest = [
                (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "loop"
            ]
            target = f"{parts.path}?{urlencode([*rest, ('loop', str(following))])}"
            self.send(handler, 302, b"", "text/plain", {"Location": f"{self.base_url}{target}"})
        elif fault.kind == "huge":
            self.send_huge(handler, fault)
        elif fault.kind == "invalid_utf8":
            self.send(handler, 200, spoil_first_title(body), mime)
        elif fault.kind == "slow_drip":
            self.drip(handler, body, mime, min(fault.seconds, MAX_STALL_SECONDS))

    def send_huge(self, handler: BaseHTTPRequestHandler, fault: Fault) -> None:
        """A JSON body of ``fault.size`` bytes, written in 64 KiB blocks."""
        block = b" " * 65536
        handler.close_connection = True
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        if fault.announced:
            handler.send_header("Content-Length", str(fault.size))
        else:
            handler.send_header("Connection", "close")
        handler.end_headers()
        sent = 0
        while sent < fault.size and not self.stopping.is_set():
            chunk = block[: min(len(block), fault.size - sent)]
            handler.wfile.write(chunk)
            sent += len(chunk)

    def drip(self, handler: BaseHTTPRequestHandler, body: bytes, mime: str, seconds: float) -> None:
        """The whole body, in twenty pieces spread over ``seconds``."""
        handler.send_response(200)
        handler.send_header("Content-Type", mime)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        pieces = 20
        step = max(1, -(-len(body) // pieces))
        for start in range(0, len(body), step):
            handler.wfile.write(body[start : start + step])
            handler.wfile.flush()
            if self.stopping.wait(seconds / pieces):
                return

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        super().__exit__(*exc)


_FIRST_TITLE = re.compile(rb'"(?:title|text)"\s*:\s*"')


def spoil_first_title(body: bytes) -> bytes:
    """``body`` with two bytes that are not UTF-8 (0xFF 0xFE) at the start of its first
    ``title`` (Greenhouse, Ashby) or ``text`` (Lever) string."""
    match = _FIRST_TITLE.search(body)
    assert match is not None, "no title in the body"
    return body[: match.end()] + b"\xff\xfe" + body[match.end() :]
