"""The Hacker News spider on a recorded month of "Who is hiring?" (tests/fixtures/hackernews/).

``hn_algolia_comments_full_1.json`` is the complete May 2026 thread (story 47975571): 555
comments, of which 335 are top-level postings; ``hn_algolia_story_search_1.json`` is the
whoishiring account's story search, whose newest hiring thread is that one.
"""

from __future__ import annotations

import json

import pytest

from scrapers.items import JobPostingItem
from scrapers.kinds import parse_envelope
from scrapers.kinds.hackernews.parser import hn_text_lines, parse_hn_comment, parse_hn_first_line
from scrapers.kinds.hackernews.spider import HackernewsSpider
from scrapers.parsing import PostingFields
from scrapers.spiders.base import dump_payload

API = "https://hn.algolia.com"
MAY_2026 = 47975571
THREADS_FILE = "hackernews/hn_algolia_story_search_1.json"
COMMENTS_FILE = "hackernews/hn_algolia_comments_full_1.json"
THREADS_URL = f"{API}/api/v1/search_by_date?tags=story,author_whoishiring&hitsPerPage=50"


def comments_url(story_id: int = MAY_2026, page: int = 0) -> str:
    return f"{API}/api/v1/search?tags=comment,story_{story_id}&hitsPerPage=1000&page={page}"


def fields(company, title, location, remote, employment_type):
    return {
        "company": company,
        "title": title,
        "location": location,
        "remote": remote,
        "employment_type": employment_type,
    }


# Real first lines of May 2026 postings (HTML already reduced to text), with the fields read.
FIRST_LINES = [
    pytest.param(
        "Woosmap | https://www.woosmap.com/ | Backend Engineer (Mid-level & Senior) | HYBRID "
        "(London, Paris, Montpellier) or REMOTE (UTC-1 to UTC+2) | Full-time",
        fields(
            "Woosmap",
            "Backend Engineer (Mid-level & Senior)",
            "HYBRID (London, Paris, Montpellier) or REMOTE (UTC-1 to UTC+2)",
            "HYBRID (London, Paris, Montpellier) or REMOTE (UTC-1 to UTC+2)",
            "Full-time",
        ),
        id="url-field-ignored-remote-with-places",
    ),
    pytest.param(
        "SalesJack | Solutions Engineer | Toronto, ON, Canada | HYBRID | FULL-TIME",
        fields("SalesJack", "Solutions Engineer", "Toronto, ON, Canada", "HYBRID", "FULL-TIME"),
        id="place-and-flag-in-separate-fields",
    ),
    pytest.param(
        "Clutch https://www.clutchapp.io - building future of padel with AI cameras | Full-time "
        "| Head of AI (Computer Vision / MLOps) | Remote (worldwide) | €70-100k + equity",
        fields(
            "Clutch",
            "Head of AI (Computer Vision / MLOps)",
            "Remote (worldwide)",
            "Remote (worldwide)",
            "Full-time",
        ),
        id="company-with-url-and-tagline",
    ),
    pytest.param(
        "Brandfetch (https://brandfetch.com) | Senior Backend Engineer | Remote | Full-time",
        fields("Brandfetch", "Senior Backend Engineer", "Remote", "Remote", "Full-time"),
        id="url-in-parentheses",
    ),
    pytest.param(
        "Cologne, Germany | UMH | Product Engineer | Full-time | 55 - 85k EUR "
        "| ONSITE (part remote)",
        fields("UMH", "Product Engineer", "Cologne, Germany", "ONSITE (part remote)", "Full-time"),
        id="place-first",
    ),
    pytest.param(
        "Senior ML Engineer | Ping Data Intelligence | REMOTE or ONSITE (Miami, FL) | Full-Time "
        "| https://www.pingintel.com",
        fields(
            "Ping Data Intelligence",
            "Senior ML Engineer",
            "REMOTE or ONSITE (Miami, FL)",
            "REMOTE or ONSITE (Miami, FL)",
            "Full-Time",
        ),
        id="role-first-company-second",
    ),
    pytest.param(
        "Software Engineer -- Infrastructure | Oslo, Norway | Onsite",
        fields(None, "Software Engineer -- Infrastructure", "Oslo, Norway", "Onsite", None),
        id="no-company",
    ),
    pytest.param(
        "Global Partners — Senior Director, Data Engineering",
        fields("Global Partners", "Senior Director, Data Engineering", None, None, None),
        id="dash-separated",
    ),
    pytest.param(
        "Addepar is hiring a Software Engineering Manager for our New Workflow Platform.",
        fields(
            "Addepar",
            "Addepar is hiring a Software Engineering Manager for our New Workflow Platform.",
            None,
            None,
            None,
        ),
        id="prose",
    ),
    pytest.param(
        "Krea; Fulltime; Onsite, San Francisco, CA, USA.",
        fields(
            "Krea",
            "Krea; Fulltime; Onsite, San Francisco, CA, USA.",
            "Onsite, San Francisco, CA, USA.",
            "Onsite, San Francisco, CA, USA.",
            "Fulltime",
        ),
        id="semicolon-separated-no-role",
    ),
    pytest.param(
        "Ashby | YC 19 | REMOTE | Hiring Product Engineers | Sr: $153k-$220k, Staff: $190k-$275k",
        fields("Ashby", "Product Engineers", "REMOTE", "REMOTE", None),
        id="yc-batch-and-hiring-prefix",
    ),
    pytest.param(
        "Qualcomm | Staff Engineer | On-site | San Diego",
        fields("Qualcomm", "Staff Engineer", "San Diego", "On-site", None),
        id="place-after-bare-flag",
    ),
    pytest.param(
        "Triumph Financial | https://triumph.io | Engineer (Lead | Staff) & Staff Product Manager "
        "| REMOTE (USA only) | Full Time | $150-$300k",
        fields(
            "Triumph Financial",
            "Engineer (Lead | Staff) & Staff Product Manager",
            "REMOTE (USA only)",
            "REMOTE (USA only)",
            "Full Time",
        ),
        id="pipe-inside-parentheses",
    ),
    pytest.param(
        "Oscilar.com | Sr/Staff Software Engineers, PM, Data Analyst | "
        "REMOTE (US/Canada/Brazil/Poland/UK) | Full-time AI Risk Decisioning™ platform that helps "
        "organizations manage onboarding, fraud, credit, and compliance risks",
        fields(
            "Oscilar.com",
            "Sr/Staff Software Engineers, PM, Data Analyst",
            "REMOTE (US/Canada/Brazil/Poland/UK)",
            "REMOTE (US/Canada/Brazil/Poland/UK)",
            None,
        ),
        id="domain-as-company-last-field-runs-into-text",
    ),
    pytest.param(
        "Coop (https://smart.coop.farm)| 2nd Founding Engineer | iOS Heavy Engineer | Hybrid "
        "onsite | Austin, TX | Full-time, Part-time",
        fields(
            "Coop", "2nd Founding Engineer", "Austin, TX", "Hybrid onsite", "Full-time, Part-time"
        ),
        id="two-roles-first-wins",
    ),
    pytest.param(
        "G-Research | London, UK | On-site | https://www.gresearch.com/",
        fields(
            "G-Research",
            "G-Research | London, UK | On-site | https://www.gresearch.com/",
            "London, UK",
            "On-site",
            None,
        ),
        id="no-role-whole-line-is-title",
    ),
    pytest.param(
        "*Labor Solutions (YC-style) | Senior Software Engineer | Remote (India) | Full-time*",
        fields(
            "Labor Solutions (YC-style)",
            "Senior Software Engineer",
            "Remote (India)",
            "Remote (India)",
            "Full-time",
        ),
        id="markdown-emphasis",
    ),
    pytest.param(
        "Doubling | Design Engineer | Chicago or Bay Area preferred | REMOTE (US) also considered "
        "| CONTRACT (1099), 10-20 hrs/week",
        fields(
            "Doubling",
            "Design Engineer",
            "Chicago or Bay Area preferred",
            "REMOTE (US) also considered",
            "CONTRACT (1099), 10-20 hrs/week",
        ),
        id="contract",
    ),
]


@pytest.mark.parametrize(("line", "expected"), FIRST_LINES)
def test_parse_hn_first_line(line, expected):
    assert parse_hn_first_line(line) == expected


def test_parse_hn_first_line_of_nothing_is_empty():
    assert parse_hn_first_line("  ") == fields(None, None, None, None, None)


def test_a_long_free_text_line_is_cut_for_the_title():
    line = (
        "At SentiLink, we stop identity fraud at scale. Our products protect banks, fintechs, "
        "marketplaces, and leading financial institutions from synthetic identity fraud"
    )

    parsed = parse_hn_first_line(line)

    assert parsed["company"] == "SentiLink"
    assert parsed["title"] == (
        "At SentiLink, we stop identity fraud at scale. Our products "
        "protect banks, fintechs, marketplaces, and leading…"
    )


def test_text_lines_reduce_links_and_decode_entities(fixture_json):
    hits = {hit["objectID"]: hit for hit in fixture_json(COMMENTS_FILE)["hits"]}

    lines = hn_text_lines(hits["48147597"]["comment_text"])

    assert lines[0] == (
        "Woosmap | https://www.woosmap.com/ | Backend Engineer (Mid-level & Senior) | HYBRID "
        "(London, Paris, Montpellier) or REMOTE (UTC-1 to UTC+2) | Full-time"
    )
    assert lines[1].startswith("We run location APIs.")
    assert lines[-1] == "Apply: https://www.linkedin.com/jobs/view/4410617739/"


def test_a_shortened_link_text_becomes_the_whole_url(fixture_json):
    hits = {hit["objectID"]: hit for hit in fixture_json(COMMENTS_FILE)["hits"]}

    [first, *_] = hn_text_lines(hits["47977115"]["comment_text"])

    assert first.endswith("| https://careers.tether.io/o/backend-engineer-wallets-100-remote")


def test_labelled_header_lines_are_read_together(fixture_json):
    hits = {hit["objectID"]: hit for hit in fixture_json(COMMENTS_FILE)["hits"]}

    assert parse_hn_comment(hits["48009493"]["comment_text"]) == fields(
        "This Dot Labs", "Senior Frontend Engineers", "REMOTE (US)", None, None
    )
    assert parse_hn_comment(hits["48023051"]["comment_text"]) == fields(
        "Wildkind",
        "Performance Marketing Manager",
        None,
        "ONSITE: Hybrid, min two days a week in our London office.",
        "Full Time.",
    )


# ---------------------------------------------------------------------------- options
def test_source_key_is_whoishiring_unless_named():
    assert HackernewsSpider.validate_options({"kind": "hackernews"}) == "hackernews:whoishiring"
    assert HackernewsSpider.validate_options({"kind": "hackernews", "name": "hn-3"}) == (
        "hackernews:hn-3"
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"threads": 0}, "threads must be"),
        ({"threads": "three"}, "threads must be"),
        ({"threads": True}, "threads must be"),
        ({"story_ids": "47975571"}, "story_ids must be"),
        ({"story_ids": ["abc"]}, "story_ids must be"),
    ],
)
def test_invalid_options_are_refused(options, message):
    with pytest.raises(ValueError, match=message):
        HackernewsSpider.validate_options({"kind": "hackernews", **options})


# ---------------------------------------------------------------------------- threads
def test_first_request_searches_the_whoishiring_stories(make_spider):
    spider = make_spider(HackernewsSpider)

    [request] = spider.initial_requests()

    assert request.url == THREADS_URL
    assert request.callback == spider.parse_threads


def test_story_ids_skip_the_search(make_spider):
    spider = make_spider(HackernewsSpider, story_ids=[47975571, "47601859"])

    requests = list(spider.initial_requests())

    assert [r.url for r in requests] == [comments_url(47975571), comments_url(47601859)]
    assert [r.cb_kwargs for r in requests] == [
        {"story_id": 47975571, "page": 0},
        {"story_id": 47601859, "page": 0},
    ]


def test_the_newest_thread_is_read(make_spider, json_response):
    spider = make_spider(HackernewsSpider, threads=1)

    [request] = spider.parse_threads(json_response(THREADS_FILE, url=THREADS_URL))

    assert request.url == comments_url(MAY_2026)
    assert request.callback == spider.parse_comments
    assert request.cb_kwargs == {"story_id": MAY_2026, "page": 0}


def test_the_newest_threads_are_read_newest_first(make_spider, json_response):
    spider = make_spider(HackernewsSpider, threads=3)

    requests = list(spider.parse_threads(json_response(THREADS_FILE, url=THREADS_URL)))

    assert [r.cb_kwargs["story_id"] for r in requests] == [47975571, 47601859, 47219668]


def test_other_whoishiring_threads_are_not_read(make_spider, json_response, fixture_json):
    """Synthetic: the story search with two newer threads that carry no job postings added."""
    document = fixture_json(THREADS_FILE)
    newest = document["hits"][0]
    document["hits"][:0] = [
        {
            **newest,
            "objectID": "48000001",
            "created_at_i": newest["created_at_i"] + 60,
            "title": "Ask HN: Who wants to be hired? (May 2026)",
        },
        {
            **newest,
            "objectID": "48000002",
            "created_at_i": newest["created_at_i"] + 120,
            "title": "Ask HN: Freelancer? Seeking freelancer? (May 2026)",
        },
    ]
    spider = make_spider(HackernewsSpider, threads=1)

    [request] = spider.parse_threads(
        json_response(THREADS_FILE, url=THREADS_URL, body=json.dumps(document).encode())
    )

    assert request.cb_kwargs["story_id"] == MAY_2026


def test_no_hiring_thread_is_an_error(make_spider, json_response, stats_of):
    spider = make_spider(HackernewsSpider)
    response = json_response(THREADS_FILE, url=THREADS_URL, body=b'{"hits": [], "nbPages": 0}')

    assert list(spider.parse_threads(response)) == []
    assert stats_of(spider) == {"postings/record_error/no_threads": 1, "postings/errors": 1}


# ---------------------------------------------------------------------------- comments
def test_every_top_level_comment_is_a_posting(make_spider, json_response, stats_of):
    spider = make_spider(HackernewsSpider)

    items = list(
        spider.parse_comments(
            json_response(COMMENTS_FILE, url=comments_url()), story_id=MAY_2026, page=0
        )
    )

    assert len(items) == 335
    assert len({item.source_posting_id for item in items}) == 335
    assert all(parse_envelope(item).title for item in items)
    assert stats_of(spider) == {"postings/skipped/reply": 220}


def test_a_posting_keeps_the_comment_and_the_hit(make_spider, json_response, fixture_json):
    hit = next(h for h in fixture_json(COMMENTS_FILE)["hits"] if h["objectID"] == "48147597")
    spider = make_spider(HackernewsSpider)

    [item, *_] = spider.parse_comments(
        json_response(COMMENTS_FILE, url=comments_url()), story_id=MAY_2026
    )

    assert item == JobPostingItem(
        source_kind="hackernews",
        source_key="hackernews:whoishiring",
        source_posting_id="48147597",
        url=comments_url(),
        payload=dump_payload(hit),
    )
    assert hit["comment_text"].startswith('Woosmap | <a href="https:&#x2F;&#x2F;www.woosmap.com')
    fields = parse_envelope(item)
    assert fields == PostingFields(
        title="Backend Engineer (Mid-level & Senior)",
        company_name="Woosmap",
        location="HYBRID (London, Paris, Montpellier) or REMOTE (UTC-1 to UTC+2)",
        remote="HYBRID (London, Paris, Montpellier) or REMOTE (UTC-1 to UTC+2)",
        employment_type="Full-time",
        posted_at="2026-05-15T12:06:57Z",
        updated_at=fields.updated_at,
        url="https://news.ycombinator.com/item?id=48147597",
        description_format="html",
        description_text=fields.description_text,
    )
    assert fields.description_text.startswith(
        "Woosmap | https://www.woosmap.com/ | Backend Engineer (Mid-level & Senior)"
    )


def test_the_parser_refuses_a_hit_without_a_comment():
    envelope = {
        "source_kind": "hackernews",
        "source_key": "hackernews:whoishiring",
        "source_posting_id": "1",
        "payload": '{"objectID": "1", "comment_text": null}',
    }

    with pytest.raises(ValueError, match="no comment_text"):
        parse_envelope(envelope)


def test_a_posting_with_a_place_and_a_separate_flag(make_spider, json_response):
    spider = make_spider(HackernewsSpider)

    items = {
        item.source_posting_id: item
        for item in spider.parse_comments(
            json_response(COMMENTS_FILE, url=comments_url()), story_id=MAY_2026
        )
    }

    item = parse_envelope(items["47999884"])
    assert (
        item.company_name,
        item.title,
        item.location,
        item.remote,
        item.employment_type,
        item.posted_at,
        item.url,
    ) == (
        "Kepler",
        "Full Stack Engineer",
        "New York, NY",
        "ONSITE",
        None,
        "2026-05-03T18:28:34Z",
        "https://news.ycombinator.com/item?id=47999884",
    )


def test_deleted_comments_are_counted_and_skipped(
    make_spider, json_response, fixture_json, stats_of
):
    """Synthetic: a copy of the thread in which one top-level comment was deleted."""
    document = fixture_json(COMMENTS_FILE)
    deleted = next(h for h in document["hits"] if h["parent_id"] == MAY_2026)
    deleted["comment_text"] = None
    spider = make_spider(HackernewsSpider)

    items = list(
        spider.parse_comments(
            json_response(COMMENTS_FILE, url=comments_url(), body=json.dumps(document).encode()),
            story_id=MAY_2026,
        )
    )

    assert len(items) == 334
    assert deleted["objectID"] not in {item.source_posting_id for item in items}
    assert stats_of(spider) == {"postings/skipped/reply": 220, "postings/skipped/deleted": 1}


def test_the_first_page_asks_for_the_other_pages(make_spider, json_response, fixture_json):
    """Synthetic: the thread's answer claiming three pages of comments."""
    document = fixture_json(COMMENTS_FILE)
    document["nbPages"] = 3
    spider = make_spider(HackernewsSpider)
    response = json_response(COMMENTS_FILE, url=comments_url(), body=json.dumps(document).encode())

    results = list(spider.parse_comments(response, story_id=MAY_2026, page=0))
    later = list(spider.parse_comments(response, story_id=MAY_2026, page=1))

    requests = [r for r in results if not isinstance(r, JobPostingItem)]
    assert [r.url for r in requests] == [comments_url(page=1), comments_url(page=2)]
    assert all(isinstance(r, JobPostingItem) for r in later)


# ---------------------------------------------------------------------------- over HTTP
def test_crawl_over_http_lands_the_whole_month(run_crawl, route_to):
    result = run_crawl(
        'sources:\n  - {kind: hackernews, threads: 1, api_base: "{replay}", delay: 0}\n',
        [
            route_to(
                "/api/v1/search_by_date", THREADS_FILE, query={"tags": "story,author_whoishiring"}
            ),
            route_to("/api/v1/search", COMMENTS_FILE, query={"tags": f"comment,story_{MAY_2026}"}),
        ],
    )

    manifest = result.manifest("hackernews:whoishiring")
    assert (manifest["status"], manifest["postings"], manifest["errors"]) == ("succeeded", 335, 0)
    assert manifest["counters"] == {"postings/skipped/reply": 220}
    assert result.requests == [
        "/robots.txt",
        "/api/v1/search_by_date?tags=story,author_whoishiring&hitsPerPage=50",
        f"/api/v1/search?tags=comment,story_{MAY_2026}&hitsPerPage=1000&page=0",
    ]
    records = {r["source_posting_id"]: r for r in result.records}
    assert len(records) == 335
    woosmap = parse_envelope(records["48147597"])
    assert (woosmap.company_name, woosmap.title, woosmap.url) == (
        "Woosmap",
        "Backend Engineer (Mid-level & Senior)",
        "https://news.ycombinator.com/item?id=48147597",
    )
    assert woosmap.description_text.startswith(
        "Woosmap | https://www.woosmap.com/ | Backend Engineer (Mid-level & Senior)"
    )
