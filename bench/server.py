"""A threaded HTTP server on 127.0.0.1 serving SYNTHETIC board pages from files, for the crawl.

Like ``warehouse.replay.ReplayServer`` but built for many routes: a path is looked up in a dict
(not matched route by route) and the query string is ignored. It notes when the first request
arrived, so a crawl's time can be taken from its first request rather than from the start of a
Python interpreter.
"""

from __future__ import annotations

import logging
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from warehouse.replay import LocalHTTPServer

logger = logging.getLogger(__name__)

ROBOTS = b"User-agent: *\nAllow: /\n"


class PageServer:
    """Serve ``{path: file}`` on 127.0.0.1 in a background thread; use as a context manager."""

    def __init__(self, pages: dict[str, Path], etags: bool = False) -> None:
        self.pages = pages
        #: Answer conditional requests: an ETag (the file's size and mtime) on every page and
        #: ``304 Not Modified`` when ``If-None-Match`` names it, as real API hosts do.
        self.etags = etags
        self.first_request_at: float | None = None
        self.requests = 0
        self.not_modified = 0
        #: Arrival times (monotonic) of the page requests, robots.txt left out.
        self.arrivals: list[float] = []
        self.bytes_sent = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server.handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = LocalHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def reset(self) -> None:
        """Forget the counters (between two crawls of the same pages)."""
        with self._lock:
            self.first_request_at = None
            self.requests = 0
            self.not_modified = 0
            self.arrivals = []
            self.bytes_sent = 0

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        """Answer one request."""
        path = urlsplit(handler.path).path
        now = time.monotonic()
        with self._lock:
            if self.first_request_at is None:
                self.first_request_at = now
            self.requests += 1
            if path != "/robots.txt":
                self.arrivals.append(now)
        file = self.pages.get(path)
        if file is not None and self.etags:
            stat = file.stat()
            etag = f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'
            if handler.headers.get("If-None-Match") == etag:
                with self._lock:
                    self.not_modified += 1
                handler.send_response(304)
                handler.send_header("ETag", etag)
                handler.send_header("Content-Length", "0")
                handler.end_headers()
                return
            body = file.read_bytes()
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("ETag", etag)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
            return
        if file is not None:
            body, status, content_type = file.read_bytes(), 200, "application/json"
        elif path == "/robots.txt":
            body, status, content_type = ROBOTS, 200, "text/plain"
        else:
            body, status, content_type = b"not found\n", 404, "text/plain"
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
        with self._lock:
            self.bytes_sent += len(body)

    def __enter__(self) -> PageServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
