"""The replay server: GET routes by path and query, POST routes by method and JSON body."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from pathlib import Path

from warehouse.replay import RECORDING_DIR, LocalHTTPServer, ReplayServer, Route, load_routes


def fetch(url: str, body: dict | None = None) -> tuple[int, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url,
        data=data,
        method="POST" if data else "GET",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_post_routes_match_method_and_json_body_items():
    routes = [
        Route(path="/jobs", method="POST", json_body={"offset": 0}, body=b"first page"),
        Route(path="/jobs", method="POST", json_body={"offset": 20}, body=b"second page"),
        Route(path="/jobs", method="GET", body=b"listing"),
    ]
    with ReplayServer(routes) as server:
        first = fetch(f"{server.base_url}/jobs", {"appliedFacets": {}, "limit": 20, "offset": 0})
        second = fetch(f"{server.base_url}/jobs", {"offset": 20, "searchText": ""})
        unrecorded = fetch(f"{server.base_url}/jobs", {"offset": 40})
        listing = fetch(f"{server.base_url}/jobs")

    assert first == (200, b"first page")
    assert second == (200, b"second page")
    assert unrecorded[0] == 404
    assert listing == (200, b"listing")
    assert server.requests == ["/jobs"] * 4


def test_route_without_method_answers_get_and_post():
    with ReplayServer([Route(path="/any", body=b"ok")]) as server:
        assert fetch(f"{server.base_url}/any") == (200, b"ok")
        assert fetch(f"{server.base_url}/any", {"offset": 0}) == (200, b"ok")


def test_get_route_does_not_answer_post_and_json_route_needs_a_json_body():
    routes = [
        Route(path="/get-only", method="GET", body=b"ok"),
        Route(path="/search", method="POST", json_body={"offset": 0}, body=b"ok"),
    ]
    with ReplayServer(routes) as server:
        assert fetch(f"{server.base_url}/get-only", {"offset": 0})[0] == 404
        assert fetch(f"{server.base_url}/search")[0] == 404


def test_routes_file_reads_method_and_json(tmp_path: Path):
    (tmp_path / "routes.yml").write_text(
        "routes:\n"
        "  - {path: /jobs, method: post, json: {offset: 0}, body: page}\n"
        "  - {path: /feed, file: feed.json}\n",
        encoding="utf-8",
    )

    post, get = load_routes(tmp_path)

    assert (post.method, post.json_body, post.body) == ("POST", {"offset": 0}, b"page")
    assert (get.method, get.json_body, get.file) == (None, {}, tmp_path / "feed.json")


def test_bundled_recording_answers_the_workday_search_by_post():
    routes = load_routes(RECORDING_DIR)
    search = "/wday/cxs/gdit/External_Career_Site/jobs"
    with ReplayServer(routes) as server:
        status, body = fetch(
            f"{server.base_url}{search}",
            {"appliedFacets": {}, "limit": 20, "offset": 0, "searchText": ""},
        )

    assert status == 200
    assert json.loads(body)["total"] == 644


def test_the_local_server_takes_sixty_four_connections_at_once_before_it_accepts_any():
    """A crawl at 64 in flight opens 64 connections at once. With the standard library's
    backlog of 5, the kernel drops the SYNs past it and the crawler waits seconds for each
    re-send (what looked like a stall of a 64-in-flight crawl): here all 64 connect while
    the server has accepted none."""
    server = LocalHTTPServer(("127.0.0.1", 0), object)  # type: ignore[arg-type]
    sockets = []
    try:
        for _ in range(64):
            client = socket.socket()
            client.settimeout(0.9)  # under the kernel's first SYN re-send, at 1 s
            sockets.append(client)
            client.connect(server.server_address)  # raises TimeoutError when the SYN is dropped
    finally:
        for client in sockets:
            client.close()
        server.server_close()
    assert len(sockets) == 64
