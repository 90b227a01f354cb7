"""Credentials are masked in text, log records and records (scrapers.redact)."""

from __future__ import annotations

import io
import logging

import pytest

from scrapers.redact import (
    RedactSecretsFilter,
    install_root_log_handler,
    redact,
    redact_secret_values,
    scrub_record,
)
from warehouse.config import get_settings


@pytest.fixture(autouse=True)
def fake_credentials(monkeypatch):
    """Settings with made-up credentials (an empty value would mean "not configured")."""
    monkeypatch.setenv("POSTINGS_ADZUNA_APP_ID", "id-4f1c")
    monkeypatch.setenv("POSTINGS_ADZUNA_APP_KEY", "sekret-XYZ")
    monkeypatch.setenv("POSTINGS_USAJOBS_API_KEY", "usa+key/42=")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_masks_key_like_query_parameters_whatever_their_value():
    url = (
        "http://127.0.0.1:8080/v1/api/jobs/gb/search/2?app_id=other&app_key=unknown"
        "&results_per_page=50&what=data&api_key=k1&token=t2&key=k3"
    )

    assert redact(f"Crawled (404) <GET {url}> (referer: None)") == (
        "Crawled (404) <GET http://127.0.0.1:8080/v1/api/jobs/gb/search/2?app_id=***"
        "&app_key=***&results_per_page=50&what=data&api_key=***&token=***&key=***>"
        " (referer: None)"
    )


def test_masks_configured_secrets_anywhere_and_url_encoded():
    text = "key sekret-XYZ, id id-4f1c, encoded usa%2Bkey%2F42%3D, plain usa+key/42="

    assert redact(text) == "key ***, id ***, encoded ***, plain ***"


def test_masks_credential_headers_in_text_and_reprs():
    assert redact("Authorization-Key: abc123 sent") == "Authorization-Key: *** sent"
    assert redact("{'Authorization-Key': 'abc123', 'Host': 'x'}") == (
        "{'Authorization-Key': '***', 'Host': 'x'}"
    )
    assert redact("{b'Authorization-Key': [b'abc123']}") == "{b'Authorization-Key': [b'***']}"


def test_leaves_words_that_only_contain_key_names_alone():
    text = (
        "monkey=1&keyboard=2&source_key=greenhouse:x KeyError: 'id' "
        "redirect_url=https://www.adzuna.com/details/1?utm_source=d6920beb"
    )

    assert redact(text) == text


def test_short_configured_values_are_not_searched_for(monkeypatch):
    monkeypatch.setenv("POSTINGS_ADZUNA_APP_ID", "ab")
    get_settings.cache_clear()

    assert redact_secret_values("a cab and a crab") == "a cab and a crab"
    assert redact("?app_id=ab&x=1") == "?app_id=***&x=1"


def test_scrub_record_masks_secrets_in_every_string_and_says_so():
    record = {
        "id": "1",
        "redirect_url": "https://x/?utm_source=id-4f1c",
        "tags": ["sekret-XYZ"],
        "salary": 10,
    }

    scrubbed, changed = scrub_record(record)

    assert changed is True
    assert scrubbed == {
        "id": "1",
        "redirect_url": "https://x/?utm_source=***",
        "tags": ["***"],
        "salary": 10,
    }
    assert record["tags"] == ["sekret-XYZ"]  # the original is left as it was


def test_scrub_record_keeps_a_record_without_secrets_and_its_own_key_parameters():
    record = {"redirect_url": "https://x/land?key=abc&token=def&utm_source=d6920beb"}

    assert scrub_record(record) == (record, False)


def test_filter_masks_the_formatted_message_and_the_traceback():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(RedactSecretsFilter())
    logger = logging.getLogger("tests.redact.filter")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    try:
        logger.info(
            "Crawled (%(status)s) %(request)s",
            {"status": 200, "request": "<GET http://h/s?app_key=sekret-XYZ>"},
        )
        try:
            raise ValueError("bad page http://h/s?app_id=id-4f1c")
        except ValueError:
            logger.exception("failed %s", "sekret-XYZ")
    finally:
        logger.removeHandler(handler)

    output = stream.getvalue()
    assert "INFO Crawled (200) <GET http://h/s?app_key=***>" in output
    assert "ERROR failed ***" in output
    assert "ValueError: bad page http://h/s?app_id=***" in output
    assert "sekret-XYZ" not in output
    assert "id-4f1c" not in output


def test_filter_lets_a_broken_log_call_reach_the_handler():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%d items", ("many",), None)

    assert RedactSecretsFilter().filter(record) is True


def test_root_log_handler_masks_every_logger_and_keeps_the_format():
    root = logging.getLogger()
    level = root.level
    stream = io.StringIO()
    handler = install_root_log_handler(
        "INFO", "[%(name)s] %(levelname)s: %(message)s", stream=stream
    )
    try:
        logging.getLogger("scrapy.core.engine").info("Crawled (404) <GET http://h/s?app_key=k1>")
        logging.getLogger("scrapers.x").debug("below the level: sekret-XYZ")
        # Below the level, no record is even made (the root logger has the handler's level).
        assert not logging.getLogger("scrapers.x").isEnabledFor(logging.DEBUG)
    finally:
        root.removeHandler(handler)
        root.setLevel(level)

    assert (
        stream.getvalue()
        == "[scrapy.core.engine] INFO: Crawled (404) <GET http://h/s?app_key=***>\n"
    )
