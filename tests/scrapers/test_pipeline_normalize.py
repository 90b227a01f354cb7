"""The normalise pipeline derives ``description_text`` from each description format."""

from __future__ import annotations

import pytest

from scrapers.items import JobPostingItem
from scrapers.normalize import description_text, html_to_text
from scrapers.pipelines.normalize import NormalizeJobPostingPipeline


def posting(description: str | None, description_format: str) -> JobPostingItem:
    return JobPostingItem(source_kind="k", source_key="k:s", source_posting_id="1", url=None,
                          title="t", payload="{}", description=description,
                          description_format=description_format)


def test_greenhouse_double_escaped_content_becomes_text(fixture_json):
    [job, *_] = fixture_json("greenhouse/greenhouse_1.json")["jobs"]

    text = NormalizeJobPostingPipeline().process_item(
        posting(job["content"], "html_escaped")
    ).description_text

    assert text.startswith(
        "About Anthropic\nAnthropic\u2019s mission is to create reliable, interpretable, and "
        "steerable"
        " AI systems."
    )
    assert "\nAbout the role\n" in text
    assert "<" not in text
    assert "&lt;" not in text
    assert "&quot;" not in text


def test_escaped_html_read_as_plain_html_keeps_its_tags(fixture_json):
    """Why Greenhouse content needs ``html_escaped``: decoded once, the tags are still there."""
    [job, *_] = fixture_json("greenhouse/greenhouse_1.json")["jobs"]

    assert html_to_text(job["content"]).startswith('<div class="content-intro"><h2><strong>About')


def test_lever_html_blocks_become_lines(fixture_json):
    [posting_record, *_] = fixture_json("lever/lever_3.json")

    text = html_to_text(posting_record["description"])

    assert text.startswith("Welcome to the Demo Job Listing for Lever!")
    assert "<" not in text


def test_hacker_news_comment_html_becomes_lines(fixture_json):
    hit = next(h for h in fixture_json("hackernews/hn_algolia_comments_full_1.json")["hits"]
               if h["objectID"] == "48147597")

    text = description_text(hit["comment_text"], "html")

    assert text.splitlines()[:2] == [
        "Woosmap | https://www.woosmap.com/ | Backend Engineer (Mid-level & Senior) | HYBRID "
        "(London, Paris, Montpellier) or REMOTE (UTC-1 to UTC+2) | Full-time",
        "We run location APIs. Geocoding, routing, store locator, address autocomplete, etc. at "
        "enterprise scale. When a checkout page resolves your address, or a courier finds you "
        "first try: that's us.",
    ]


@pytest.mark.parametrize(
    ("description", "description_format", "expected"),
    [
        ("<p>Hello&nbsp;<b>world</b></p><ul><li>one</li><li>two</li></ul>", "html",
         "Hello world\none\ntwo"),
        ("&lt;p&gt;Bonjour &amp;amp; merci&lt;/p&gt;", "html_escaped", "Bonjour & merci"),
        ("<script>var x = 1;</script><style>p {}</style><p>Kept</p>", "html", "Kept"),
        ("  Plain &amp; simple  ", "text", "Plain & simple"),
        ("<p> </p>", "html", None),
        (None, "html", None),
        ("", "text", None),
    ],
)
def test_description_text_of_each_format(description, description_format, expected):
    assert NormalizeJobPostingPipeline().process_item(
        posting(description, description_format)
    ).description_text == expected
