"""A small HTTP server on 127.0.0.1 that replays recorded responses.

The demo and the tests point the real spiders at it (``api_base: http://127.0.0.1:<port>``), so
the whole pipeline runs with no network. A recording is a folder with ``routes.yml``::

    routes:
      - path: /v1/boards/anthropic/jobs
        query: {content: "true"}          # optional: these parameters must match
        file: greenhouse/greenhouse_1.json
        content_type: application/json    # optional; guessed from the file name

A request matches the first route whose path is equal and whose ``query`` items are all present;
``/robots.txt`` answers "allow everything" unless a route serves one. Anything else is a 404.

POST requests (Workday's search) are answered too. A route may name the ``method`` it answers
(any method when it names none) and, for a POST, ``json``: items that the request's JSON body
must hold, compared as parsed values::

      - path: /wday/cxs/gdit/External_Career_Site/jobs
        method: POST
        json: {offset: 0}                 # the body's "offset" must be 0
        file: workday/workday_search_1.json
"""

from __future__ import annotations

import json
import logging
import mimetypes
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import yaml

logger = logging.getLogger(__name__)

RECORDING_DIR = Path(__file__).resolve().parent / "recording"


@dataclass
class Route:
    """One recorded response and the requests it answers."""

    path: str
    file: Path | None = None
    body: bytes | None = None
    query: dict[str, str] = field(default_factory=dict)
    status: int = 200
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    #: Replace ``{base}`` in the body with the server's base URL (for sitemaps and links).
    template: bool = False
    #: The HTTP method answered (``GET``, ``POST``); None answers any method.
    method: str | None = None
    #: Items the request's JSON body must hold (a POST search body, for instance).
    json_body: dict[str, Any] = field(default_factory=dict)

    def matches(
        self, path: str, query: dict[str, str], method: str = "GET", body: Any = None
    ) -> bool:
        """True when the request's method, path, query and JSON body have the route's items."""
        if self.method is not None and method.upper() != self.method.upper():
            return False
        if self.json_body and not (
            isinstance(body, dict)
            and all(k in body and body[k] == v for k, v in self.json_body.items())
        ):
            return False
        return path == self.path and all(query.get(k) == v for k, v in self.query.items())

    def content(self, base_url: str = "") -> bytes:
        """The response body."""
        if self.body is not None:
            body = self.body
        else:
            assert self.file is not None
            body = self.file.read_bytes()
        return body.replace(b"{base}", base_url.encode()) if self.template else body

    def mime_type(self) -> str:
        """The Content-Type to send."""
        if self.content_type:
            return self.content_type
        name = self.file.name if self.file else self.path
        guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return (
            f"{guessed}; charset=utf-8"
            if guessed.startswith(("text/", "application/json")) or guessed.endswith("xml")
            else guessed
        )


def load_routes(recording_dir: Path) -> list[Route]:
    """Read a recording's ``routes.yml``."""
    document = yaml.safe_load((recording_dir / "routes.yml").read_text(encoding="utf-8"))
    routes = []
    for raw in document["routes"]:
        routes.append(
            Route(
                path=raw["path"],
                file=recording_dir / raw["file"] if raw.get("file") else None,
                body=raw["body"].encode("utf-8") if raw.get("body") is not None else None,
                query={str(k): str(v) for k, v in (raw.get("query") or {}).items()},
                status=int(raw.get("status", 200)),
                content_type=raw.get("content_type"),
                headers=dict(raw.get("headers") or {}),
                template=bool(raw.get("template", False)),
                method=str(raw["method"]).upper() if raw.get("method") else None,
                json_body=dict(raw.get("json") or {}),
            )
        )
    return routes


class LocalHTTPServer(ThreadingHTTPServer):
    """A threaded HTTP server for a crawl on 127.0.0.1, with room for many connections at once.

    The standard library's servers listen with a backlog of 5. A crawler opening more
    connections than that at once sees the rest of its SYNs dropped and re-sent by the kernel
    after 1, 3, 7... seconds: a 2,000-page crawl at 64 in flight took 168 s instead of 5 s,
    which looked like a stall of the crawler. Every local server of the tests and the bench
    is this one.
    """

    request_queue_size = 1024


class ReplayServer:
    """Serve routes on 127.0.0.1 in a background thread; use as a context manager."""

    def __init__(self, routes: list[Route], host: str = "127.0.0.1", port: int = 0) -> None:
        self.routes = routes
        self.requests: list[str] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server.handle(self)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                server.handle(self, self.rfile.read(length) if length else b"")

            def log_message(self, format: str, *args: Any) -> None:
                if logger.isEnabledFor(logging.DEBUG):
                    logger.debug("replay: %s", format % args)

        self.httpd = LocalHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        host, port = self.httpd.server_address[:2]
        host_text = host.decode() if isinstance(host, bytes) else host
        return f"http://{host_text}:{port}"

    def handle(self, handler: BaseHTTPRequestHandler, body: bytes | None = None) -> None:
        """Answer one request from the routes (``body``: the request body of a POST)."""
        parts = urlsplit(handler.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        with self._lock:
            self.requests.append(handler.path)
        try:
            document = json.loads(body) if body else None
        except ValueError:
            document = None
        for route in self.routes:
            if route.matches(parts.path, query, handler.command or "GET", document):
                self.send(
                    handler,
                    route.status,
                    route.content(self.base_url),
                    route.mime_type(),
                    route.headers,
                )
                return
        if parts.path == "/robots.txt":
            self.send(handler, 200, b"User-agent: *\nAllow: /\n", "text/plain")
            return
        self.send(handler, 404, b"not recorded\n", "text/plain")

    @staticmethod
    def send(
        handler: BaseHTTPRequestHandler,
        status: int,
        body: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Write a complete response."""
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

    def __enter__(self) -> ReplayServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
