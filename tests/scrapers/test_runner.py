"""The runner crawls a sources file in a child process and accounts for every source."""

from __future__ import annotations

from warehouse.replay import RECORDING_DIR, Route, load_routes


def test_a_path_disallowed_by_robots_txt_is_not_fetched_and_fails_the_run(run_crawl, route_to):
    routes = [
        Route(
            path="/robots.txt", body=b"User-agent: *\nDisallow: /v1/\n", content_type="text/plain"
        ),
        route_to("/v1/boards/anthropic/jobs", "greenhouse/greenhouse_1.json"),
    ]

    result = run_crawl(
        'sources:\n  - {kind: greenhouse, board: anthropic, api_base: "{replay}", delay: 0}\n',
        routes,
    )

    manifest = result.manifest("greenhouse:anthropic")
    assert (manifest["status"], manifest["postings"], manifest["errors"]) == ("failed", 0, 1)
    assert manifest["counters"] == {
        "postings/request_failed/IgnoreRequest": 1,
        "postings/errors": 1,
    }
    assert (
        "/v1/boards/anthropic/jobs?content=true failed: IgnoreRequest (Forbidden by robots.txt)"
    ) in manifest["error_summary"]
    assert result.requests == ["/robots.txt"]
    assert result.records == []


def test_a_missing_board_is_counted_as_a_failed_request(run_crawl):
    result = run_crawl(
        'sources:\n  - {kind: ashby, board: gone, api_base: "{replay}", delay: 0}\n', []
    )

    manifest = result.manifest("ashby:gone")
    assert (manifest["status"], manifest["postings"]) == ("failed", 0)
    assert manifest["counters"]["postings/request_failed/http_404"] == 1


def test_the_demo_recording_crawls_every_source(run_crawl):
    """The bundled recording and its sources file, as ``postings demo`` runs them."""
    result = run_crawl(
        (RECORDING_DIR / "sources.yml").read_text(encoding="utf-8"), load_routes(RECORDING_DIR)
    )

    postings = {m["source_key"]: (m["status"], m["postings"]) for m in result.manifests}
    assert postings == {
        "greenhouse:anthropic": ("succeeded", 4),
        "greenhouse:smarterdx": ("succeeded", 2),
        "greenhouse:stripe": ("succeeded", 6),
        "greenhouse:amplitude": ("succeeded", 2),
        "lever:spotify": ("succeeded", 4),
        "lever:palantir": ("succeeded", 2),
        "lever:leverdemo": ("succeeded", 6),
        "lever:idealistconsulting": ("succeeded", 2),
        "ashby:ramp": ("succeeded", 4),
        "ashby:openevidence": ("succeeded", 2),
        "ashby:HighlightTA": ("succeeded", 2),
        "ashby:truelogic": ("succeeded", 3),
        "hackernews:whoishiring": ("succeeded", 335),
        "jsonld:demo-careers": ("succeeded", 2),
        "arbeitnow:all": ("succeeded", 5),
        "himalayas:all": ("succeeded", 4),
        "jobicy:recording-1": ("succeeded", 4),
        "jobicy:recording-2": ("succeeded", 5),
        "personio:acme": ("succeeded", 1),
        "personio:clark": ("succeeded", 4),
        "recruitee:acme": ("succeeded", 2),
        "remoteok:recording-1": ("succeeded", 4),
        "remoteok:recording-2": ("succeeded", 4),
        "remotive:recording-1": ("succeeded", 4),
        "remotive:recording-2": ("succeeded", 4),
        "remotive:recording-3": ("succeeded", 5),
        "smartrecruiters:knight": ("succeeded", 1),
        "teamtailor:career": ("succeeded", 2),
        "weworkremotely:remote-jobs.rss,categories/remote-devops-sysadmin-jobs.rss": (
            "succeeded",
            7,
        ),
        "workable:huggingface": ("succeeded", 3),
        "workable:zaelab": ("succeeded", 1),
        # Only one posting's detail page was recorded: the others fail and the run is partial.
        "workday:gdit/External_Career_Site": ("partial", 1),
    }
