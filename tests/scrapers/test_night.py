"""One crawler for the whole night (``scrapers.night``): per-host politeness across sources.

Every board of a host shares that host's delay and concurrency, robots.txt is asked once per
host, and a source's bookkeeping (manifest, counters, ``max_requests``) stays its own. The
servers are local (127.0.0.1); the Greenhouse pages are the real recorded board, served under
several board names.
"""

from __future__ import annotations

from itertools import pairwise

from scrapers.night import host_slots
from scrapers.sources import SourceEntry
from scrapers.spiders import SPIDERS
from tests.reliability.faults import FaultyReplayServer
from tests.reliability.scenario import slowpoke_routes
from warehouse.replay import Route

BOARDS = ("alpha", "beta", "gamma", "delta")


def board_routes(fixture_file, boards=BOARDS) -> list[Route]:
    body = fixture_file("greenhouse/greenhouse_1.json").read_bytes()
    return [
        Route(path=f"/v1/boards/{board}/jobs", query={"content": "true"}, body=body)
        for board in boards
    ]


def sources_of(boards, **overrides) -> str:
    lines = ["sources:"]
    for board in boards:
        extra = "".join(f", {name}: {value}" for name, value in overrides.get(board, {}).items())
        lines.append(f'  - {{kind: greenhouse, board: {board}, api_base: "{{replay}}"{extra}}}')
    return "\n".join(lines) + "\n"


def test_boards_of_one_host_share_its_delay_and_its_robots_txt(run_crawl, fixture_file):
    server = FaultyReplayServer(board_routes(fixture_file))
    delayed = {board: {"delay": 0.5} for board in BOARDS}

    result = run_crawl(sources_of(BOARDS, **delayed), server=server)

    for board in BOARDS:
        manifest = result.manifest(f"greenhouse:{board}")
        assert (manifest["status"], manifest["postings"], manifest["errors"]) == (
            "succeeded",
            4,
            0,
        ), manifest
        assert manifest["requests"] == 1  # its own page; robots.txt is the host's, not its own
    assert result.requests.count("/robots.txt") == 1
    times = [when for when, _ in server.timeline]
    gaps = [later - earlier for earlier, later in pairwise(times)]
    assert len(times) == 1 + len(BOARDS)
    # Four crawlers of one host each 0.5 s apart would have sent their pages together.
    assert min(gaps) >= 0.4, gaps


def test_the_most_polite_entry_of_a_host_sets_its_delay(run_crawl, fixture_file):
    server = FaultyReplayServer(board_routes(fixture_file, BOARDS[:3]))
    overrides = {"alpha": {"delay": 0}, "beta": {"delay": 0.6}, "gamma": {"concurrency": 4}}

    run_crawl(sources_of(BOARDS[:3], **overrides), server=server)

    times = [when for when, _ in server.timeline]
    gaps = [later - earlier for earlier, later in pairwise(times)]
    assert len(times) == 4
    assert min(gaps) >= 0.5, gaps


def test_host_slots_take_the_longest_delay_and_the_fewest_in_flight():
    entries = [
        SourceEntry("greenhouse", "greenhouse:a", {"kind": "greenhouse", "board": "a", "delay": 0}),
        SourceEntry(
            "greenhouse",
            "greenhouse:b",
            {"kind": "greenhouse", "board": "b", "delay": 2, "concurrency": 3},
        ),
        SourceEntry(
            "greenhouse", "greenhouse:c", {"kind": "greenhouse", "board": "c", "concurrency": 1}
        ),
        SourceEntry("greenhouse", "greenhouse:d", {"kind": "greenhouse", "board": "d"}),
        SourceEntry("lever", "lever:e", {"kind": "lever", "site": "e", "delay": 0.25}),
    ]

    slots = host_slots(entries, SPIDERS)

    assert slots == {
        "boards-api.greenhouse.io": {"jitter": 0.0, "delay": 2.0, "concurrency": 1},
        "api.lever.co": {"jitter": 0.0, "delay": 0.25},
    }


def test_max_requests_stops_one_source_and_not_the_others(run_crawl, fixture_file):
    routes = [*slowpoke_routes((250, 250, 250, 250)), *board_routes(fixture_file, ("alpha",))]
    server = FaultyReplayServer(routes)

    result = run_crawl(
        "sources:\n"
        '  - {kind: lever, site: slowpoke, api_base: "{replay}", delay: 0, max_requests: 2}\n'
        '  - {kind: greenhouse, board: alpha, api_base: "{replay}", delay: 0}\n',
        server=server,
    )

    stopped = result.manifest("lever:slowpoke")
    assert (stopped["status"], stopped["finish_reason"], stopped["postings"]) == (
        "partial",
        "closespider_pagecount",
        500,
    )
    other = result.manifest("greenhouse:alpha")
    assert (other["status"], other["finish_reason"], other["postings"]) == (
        "succeeded",
        "finished",
        4,
    )


def test_a_failing_source_fails_alone(run_crawl, fixture_file):
    """A source whose only page is missing fails; the other board of the night lands."""
    result = run_crawl(
        "sources:\n"
        '  - {kind: greenhouse, board: alpha, api_base: "{replay}", delay: 0}\n'
        '  - {kind: greenhouse, board: missing, api_base: "{replay}", delay: 0}\n',
        board_routes(fixture_file, ("alpha",)),
    )

    assert result.manifest("greenhouse:alpha")["status"] == "succeeded"
    broken = result.manifest("greenhouse:missing")
    assert broken["status"] == "failed"
    assert "http_404" in broken["error_summary"]


def test_two_sources_asking_the_same_url_each_land_it(run_crawl, fixture_file):
    """The duplicate filter is per source: a URL two entries share is fetched for each."""
    result = run_crawl(
        "sources:\n"
        '  - {kind: greenhouse, board: alpha, api_base: "{replay}", delay: 0}\n'
        '  - {kind: greenhouse, board: alpha, name: again, api_base: "{replay}", delay: 0}\n',
        board_routes(fixture_file, ("alpha",)),
    )

    for key in ("greenhouse:alpha", "greenhouse:again"):
        manifest = result.manifest(key)
        assert (manifest["status"], manifest["postings"]) == ("succeeded", 4), manifest


def landed_lines(result) -> list[dict]:
    """The landing records of a crawl, without what differs from run to run, in one order."""
    import hashlib

    rows = []
    for record in result.records:
        assert record["content_hash"] == hashlib.sha256(record["payload"].encode()).hexdigest()
        row = {k: v for k, v in record.items() if k not in ("crawl_run_id", "fetched_at")}
        row["url"] = row["url"].split("/", 3)[3]  # each crawl has its own server port
        rows.append(row)
    return sorted(rows, key=lambda row: (row["source_key"], row["source_posting_id"]))


def test_the_landing_writer_process_and_the_crawls_own_writing_land_the_same(
    run_crawl, fixture_file, monkeypatch, tmp_path
):
    """A night's files are written by the landing writer process unless told otherwise
    (``POSTINGS_LANDING_WRITER=thread``): the same lines, hashes and manifests either way."""
    sources = sources_of(BOARDS[:2])
    by_process = run_crawl(sources, board_routes(fixture_file, BOARDS[:2]))
    by_process_lines = landed_lines(by_process)
    for path in (tmp_path / "landing").rglob("*"):
        if path.is_file():
            path.unlink()
    monkeypatch.setenv("POSTINGS_LANDING_WRITER", "thread")
    by_thread = run_crawl(sources, board_routes(fixture_file, BOARDS[:2]))

    assert by_process_lines == landed_lines(by_thread)
    assert len(by_process_lines) == 8
    for result in (by_process, by_thread):
        assert [(m["status"], m["postings"], m["errors"]) for m in result.manifests] == [
            ("succeeded", 4, 0),
            ("succeeded", 4, 0),
        ]
