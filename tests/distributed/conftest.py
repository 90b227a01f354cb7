"""Fixtures of the distributed crawl: a real redis-server, and board servers that time requests.

The boards are RECORDED real Greenhouse responses (``warehouse/recording/greenhouse/``, with
their provenance) replayed under many board names: the same few recorded pages stand for 200
boards. Each :class:`TimedBoardServer` is one host (127.0.0.1 on a port of its own: a download
slot and a politeness key per port) and notes when every request arrived, robots.txt included.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlsplit

import pytest
import redis

from tests.services import RedisServer
from warehouse.replay import RECORDING_DIR, LocalHTTPServer

RECORDED_BOARDS = [
    RECORDING_DIR / "greenhouse" / name
    for name in ("greenhouse_1.json", "greenhouse_2.json", "greenhouse_4.json")
]


class TimedBoardServer:
    """Serve ``/v1/boards/<board>/jobs`` for the given boards from the recorded pages."""

    def __init__(self, boards: list[str]) -> None:
        bodies = [path.read_bytes() for path in RECORDED_BOARDS]
        self.pages = {
            f"/v1/boards/{board}/jobs": bodies[number % len(bodies)]
            for number, board in enumerate(boards)
        }
        #: (monotonic arrival time, path) of every request.
        self.timeline: list[tuple[float, str]] = []
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
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        path = urlsplit(handler.path).path
        with self._lock:
            self.timeline.append((time.monotonic(), path))
        if path == "/robots.txt":
            body, status, kind = b"User-agent: *\nAllow: /\n", 200, "text/plain"
        elif path in self.pages:
            body, status, kind = self.pages[path], 200, "application/json"
        else:
            body, status, kind = b"not found\n", 404, "text/plain"
        handler.send_response(status)
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def __enter__(self) -> TimedBoardServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """One real redis-server on 127.0.0.1 for the session, stopped at the end."""
    with RedisServer() as server:
        yield server


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The session's redis, emptied before each test."""
    client = redis.Redis.from_url(redis_server.url)
    client.flushdb()
    client.close()
    return redis_server.url
