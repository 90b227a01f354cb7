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
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

ROBOTS = b"User-agent: *\nAllow: /\n"


class PageServer:
    """Serve ``{path: file}`` on 127.0.0.1 in a background thread; use as a context manager."""

    def __init__(self, pages: dict[str, Path]) -> None:
        self.pages = pages
        self.first_request_at: float | None = None
        self.requests = 0
        self.bytes_sent = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server.handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
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
            self.bytes_sent = 0

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        """Answer one request."""
        path = urlsplit(handler.path).path
        with self._lock:
            if self.first_request_at is None:
                self.first_request_at = time.monotonic()
            self.requests += 1
        file = self.pages.get(path)
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
