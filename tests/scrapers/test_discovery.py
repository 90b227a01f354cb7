"""Careers URLs to sources-file entries, on the real URLs of the recorded answers and datasets.

The URLs come from the recorded API answers (``absolute_url``, ``hostedUrl``, ``jobUrl``,
``url``, ``externalUrl``, ``ref``), from the board list
``boards/seeds_open_jobs_data_companies.json`` (its ``platform`` and ``slug`` made into each
platform's public board URL) and from the 833 ``applyUrl`` values of
``postings/dataset_open_jobs_data_new_jobs.json``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from scrapers.discovery import entry_from_url
from scrapers.sources import parse_entry


def board_url(board: dict[str, Any]) -> str | None:
    """The public board URL of one entry of the board list; None for unknown platforms."""
    slug = board.get("slug")
    return (
        {
            "greenhouse": f"https://boards.greenhouse.io/{slug}",
            "lever": f"https://jobs.lever.co/{slug}",
            "ashby": f"https://jobs.ashbyhq.com/{slug}",
            "smartrecruiters": f"https://jobs.smartrecruiters.com/{slug}",
            "workable": f"https://apply.workable.com/{slug}/",
            "recruitee": f"https://{slug}.recruitee.com/",
            "personio": f"https://{slug}.jobs.personio.de/",
            "bamboohr": f"https://{slug}.bamboohr.com/careers",
        }.get(board["platform"])
        if board["platform"] != "workday"
        else ("https://{tenant}.{shard}.myworkdayjobs.com/en-US/{site}".format(**board["workday"]))
    )


def expected_entry(board: dict[str, Any]) -> dict[str, Any]:
    """The entry a board of the list should become."""
    if board["platform"] == "workday":
        workday = board["workday"]
        return {
            "kind": "workday",
            "tenant": workday["tenant"],
            "site": workday["site"],
            "host": workday["shard"],
        }
    option = {
        "greenhouse": "board",
        "ashby": "board",
        "lever": "site",
        "workable": "account",
        "smartrecruiters": "company_id",
    }.get(board["platform"], "subdomain")
    return {"kind": board["platform"], option: board["slug"]}


def resolve(url: str) -> tuple[dict[str, Any] | None, str]:
    """The entry of a URL, or None and the message of the refusal."""
    try:
        return entry_from_url(url), ""
    except ValueError as error:
        return None, str(error)


# ---------------------------------------------------------------------------- recorded answers
@pytest.mark.parametrize(
    ("fixture_file_name", "expected"),
    [
        ("greenhouse/greenhouse_1.json", {"kind": "greenhouse", "board": "anthropic"}),
        ("greenhouse/greenhouse_2.json", {"kind": "greenhouse", "board": "smarterdx"}),
        ("greenhouse/greenhouse_4.json", {"kind": "greenhouse", "board": "amplitude"}),
    ],
)
def test_greenhouse_absolute_urls_name_their_board(fixture_json, fixture_file_name, expected):
    urls = [job["absolute_url"] for job in fixture_json(fixture_file_name)["jobs"]]

    assert [entry_from_url(url) for url in urls] == [expected] * len(urls)


def test_greenhouse_postings_on_the_company_site_cannot_be_resolved(fixture_json):
    """Stripe's jobs link to stripe.com with ``?gh_jid=``: the board is not in the URL."""
    for job in fixture_json("greenhouse/greenhouse_3_nocontent.json")["jobs"]:
        with pytest.raises(
            ValueError,
            match=r"Greenhouse posting on the company's own site; it "
            rf"names the job \(gh_jid={job['id']}\) but not "
            r"the board",
        ) as error:
            entry_from_url(job["absolute_url"])
        assert job["absolute_url"] in str(error.value)


@pytest.mark.parametrize(
    ("fixture_file_name", "site"),
    [
        ("lever/lever_1.json", "spotify"),
        ("lever/lever_2.json", "palantir"),
        ("lever/lever_3.json", "leverdemo"),
        ("lever/lever_4.json", "idealistconsulting"),
    ],
)
def test_lever_hosted_and_apply_urls_name_their_site(fixture_json, fixture_file_name, site):
    for posting in fixture_json(fixture_file_name):
        assert entry_from_url(posting["hostedUrl"]) == {"kind": "lever", "site": site}
        assert entry_from_url(posting["applyUrl"]) == {"kind": "lever", "site": site}


@pytest.mark.parametrize(
    ("fixture_file_name", "board"),
    [
        ("ashby/ashby_1.json", "ramp"),
        ("ashby/ashby_2.json", "openevidence"),
        ("ashby/ashby_4.json", "HighlightTA"),
        ("ashby/ashby_5.json", "truelogic"),
    ],
)
def test_ashby_job_urls_name_their_board(fixture_json, fixture_file_name, board):
    for job in fixture_json(fixture_file_name)["jobs"]:
        assert entry_from_url(job["jobUrl"]) == {"kind": "ashby", "board": board}


def test_workable_job_links_cannot_be_resolved(fixture_json):
    """The widget's ``url`` is a short link, apply.workable.com/j/<shortcode>: no account."""
    for job in fixture_json("workable/workable_1.json")["jobs"]:
        for url in (job["url"], job["application_url"]):
            with pytest.raises(
                ValueError, match="is a Workable job link, which does not name the account"
            ):
                entry_from_url(url)


def test_smartrecruiters_api_ref_names_the_company(fixture_json):
    [posting] = fixture_json("smartrecruiters/smartrecruiters_1.json")["content"]

    assert entry_from_url(posting["ref"]) == {"kind": "smartrecruiters", "company_id": "knight"}


def test_recruitee_offers_on_the_company_domain_cannot_be_resolved(fixture_json):
    for offer in fixture_json("recruitee/recruitee_1.json")["offers"]:
        with pytest.raises(ValueError, match="is not a careers URL of a known platform"):
            entry_from_url(offer["careers_url"])


def test_teamtailor_job_urls_name_the_career_site(fixture_json):
    document = fixture_json("teamtailor/teamtailor_1.json")
    urls = [
        document["home_page_url"],
        document["feed_url"],
        *(item["url"] for item in document["items"]),
    ]

    assert [entry_from_url(url) for url in urls] == [
        {"kind": "teamtailor", "subdomain": "career"}
    ] * len(urls)


def test_workday_external_url_names_tenant_site_and_host(fixture_json):
    url = fixture_json("workday/workday_detail_1.json")["jobPostingInfo"]["externalUrl"]

    assert entry_from_url(url) == {
        "kind": "workday",
        "tenant": "gdit",
        "site": "External_Career_Site",
        "host": "wd5",
    }


# ---------------------------------------------------------------------------- the board list
def test_every_board_of_the_list_becomes_its_entry(fixture_json):
    boards = fixture_json("boards/seeds_open_jobs_data_companies.json")
    resolved = Counter()

    for board in boards:
        url = board_url(board)
        if board["platform"] == "bamboohr":
            with pytest.raises(ValueError, match="not a careers URL of a known platform"):
                entry_from_url(url)
            continue
        entry = entry_from_url(url)
        assert entry == expected_entry(board), board
        assert parse_entry(entry, 1).key == (
            f"workday:{entry['tenant']}/{entry['site']}"
            if entry["kind"] == "workday"
            else f"{entry['kind']}:{list(entry.values())[1]}"
        )
        resolved[entry["kind"]] += 1

    assert resolved == {
        "greenhouse": 263,
        "ashby": 71,
        "lever": 11,
        "workday": 10,
        "smartrecruiters": 6,
        "personio": 6,
        "recruitee": 5,
        "workable": 4,
    }


# ---------------------------------------------------------------------------- the postings dataset
def test_dataset_apply_urls_resolve_to_their_company_board_or_say_why_not(fixture_json):
    """Of 833 real postings, 523 links name their board, and it is the company's board in the
    list; the other 310 are 307 Greenhouse postings on company sites (``gh_jid``), a Workable
    short link, a Recruitee board on the company's domain and a BambooHR board."""
    boards = {
        board["name"]: board for board in fixture_json("boards/seeds_open_jobs_data_companies.json")
    }
    outcomes = Counter()

    for posting in fixture_json("postings/dataset_open_jobs_data_new_jobs.json"):
        entry, refusal = resolve(posting["applyUrl"])
        if entry is None:
            assert posting["applyUrl"] in refusal
            reason = (
                "gh_jid"
                if "gh_jid=" in refusal
                else "job link"
                if "job link" in refusal
                else "unknown platform"
            )
            outcomes[posting["platform"], reason] += 1
            continue
        assert entry == expected_entry(boards[posting["company"]]), posting["applyUrl"]
        outcomes[posting["platform"], "resolved"] += 1

    assert outcomes == {
        ("greenhouse", "resolved"): 292,
        ("greenhouse", "gh_jid"): 307,
        ("smartrecruiters", "resolved"): 125,
        ("ashby", "resolved"): 60,
        ("workday", "resolved"): 36,
        ("lever", "resolved"): 9,
        ("recruitee", "resolved"): 1,
        ("recruitee", "unknown platform"): 1,
        ("workable", "job link"): 1,
        ("bamboohr", "unknown platform"): 1,
    }


# ---------------------------------------------------------------------------- URL shapes
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://boards.greenhouse.io/robinhood/jobs/8123231?t=gh_src=&gh_jid=8123231",
            {"kind": "greenhouse", "board": "robinhood"},
        ),
        (
            "https://job-boards.eu.greenhouse.io/proton/jobs/4953086101",
            {"kind": "greenhouse", "board": "proton"},
        ),
        (
            "https://boards.greenhouse.io/embed/job_board?for=anthropic",
            {"kind": "greenhouse", "board": "anthropic"},
        ),
        (
            "https://boards-api.greenhouse.io/v1/boards/anthropic/jobs?content=true",
            {"kind": "greenhouse", "board": "anthropic"},
        ),
        ("boards.greenhouse.io/stripe", {"kind": "greenhouse", "board": "stripe"}),
        (
            "https://jobs.eu.lever.co/mobileye/",
            {"kind": "lever", "site": "mobileye", "api_base": "https://api.eu.lever.co"},
        ),
        (
            "https://api.lever.co/v0/postings/spotify?mode=json",
            {"kind": "lever", "site": "spotify"},
        ),
        (
            "https://api.ashbyhq.com/posting-api/job-board/ramp?includeCompensation=true",
            {"kind": "ashby", "board": "ramp"},
        ),
        (
            "https://apply.workable.com/huggingface/j/F4C096B22E/",
            {"kind": "workable", "account": "huggingface"},
        ),
        (
            "https://apply.workable.com/api/v1/widget/accounts/zaelab?details=true",
            {"kind": "workable", "account": "zaelab"},
        ),
        (
            "https://careers.smartrecruiters.com/BoschGroup",
            {"kind": "smartrecruiters", "company_id": "BoschGroup"},
        ),
        (
            "https://trustedshops.recruitee.com/o/fullstack-engineer-typescript-aws-react-mfd",
            {"kind": "recruitee", "subdomain": "trustedshops"},
        ),
        (
            "https://clark.jobs.personio.de/job/2415353?language=de",
            {"kind": "personio", "subdomain": "clark"},
        ),
        (
            "https://ottonova.jobs.personio.com/",
            {
                "kind": "personio",
                "subdomain": "ottonova",
                "api_base": "https://ottonova.jobs.personio.com",
            },
        ),
        (
            "https://career.teamtailor.com/jobs/7167985-account-executive-italy-madrid-based",
            {"kind": "teamtailor", "subdomain": "career"},
        ),
        (
            "https://nvidia.wd5.myworkdayjobs.com/en-US/NVIDIAExternalCareerSite/details/x_JR1",
            {
                "kind": "workday",
                "tenant": "nvidia",
                "site": "NVIDIAExternalCareerSite",
                "host": "wd5",
            },
        ),
    ],
)
def test_url_shapes(url, expected):
    assert entry_from_url(url) == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "https://careers.bunq.com/o/chargebacks-expert-1",
            "not a careers URL of a known platform",
        ),
        ("https://www.recruitee.com/", "is recruitee's own site"),
        ("https://jobs.lever.co/", "names no Lever site"),
        ("https://boards.greenhouse.io/embed/job_board", r"names itself in \?for=<board>"),
        ("https://salesforce.wd12.myworkdayjobs.com/", "no career site named"),
        ("ftp://boards.greenhouse.io/stripe", "is not a web address"),
        ("   ", "no URL given"),
    ],
)
def test_unusable_urls_are_refused_with_the_url_named(url, message):
    with pytest.raises(ValueError, match=message) as error:
        entry_from_url(url)
    if url.strip():
        assert repr(url.strip()) in str(error.value) or repr(url) in str(error.value)
