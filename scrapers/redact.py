"""Keep credentials out of logs, error messages, manifests and landed records.

Keyed sources put their credentials where Scrapy and our own code print text: Adzuna takes
``app_id`` and ``app_key`` in the URL query, which Scrapy logs at DEBUG ("Crawled (200) <GET
...>") and the base spider repeats in the error message of a failed request; USAJobs takes an
``Authorization-Key`` header. :func:`redact` replaces the values of such parameters and headers,
and every secret configured in :class:`warehouse.config.Settings` (its ``SecretStr`` fields),
with ``***``. :class:`RedactSecretsFilter` applies it to every log record that reaches a handler
it is installed on; the runner logs through one root handler that carries it
(:func:`install_root_log_handler`), and the base spider passes each error message through
:func:`redact` before keeping it for the manifest. :func:`redact_secret_values` and
:func:`scrub_record` remove configured secrets from posting records (Adzuna echoes the
``app_id`` in every ``redirect_url`` as ``utm_source``).
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any
from urllib.parse import quote, quote_plus

from pydantic import SecretStr

from warehouse.config import get_settings

#: What a secret is replaced with.
MASK = "***"
#: Configured secrets shorter than this are not searched for in free text: they would blank out
#: ordinary words. (Real keys are far longer; parameters named like keys are masked anyway.)
MIN_SECRET_CHARS = 4

#: ``name=value`` in a URL query, form body or ``key=value`` text: the value is masked.
_QUERY_NAMES = (
    "app_id",
    "app_key",
    "api_key",
    "apikey",
    "api-key",
    "access_token",
    "auth_token",
    "token",
    "client_secret",
    "secret",
    "password",
    "key",
    "authorization-key",
)
_QUERY_PARAMETER = re.compile(
    r"(?<![\w-])(?P<name>" + "|".join(map(re.escape, _QUERY_NAMES)) + r")"
    r"(?P<separator>=|%3D)(?P<value>[^&\s#'\"<>;,)\]]+)",
    re.IGNORECASE,
)
#: ``Name: value`` of a header, in text, a dict repr (``'Name': 'value'``) or Scrapy's
#: ``{b'Name': [b'value']}``. Only names that always carry a credential are matched here.
_HEADER_NAMES = (
    "authorization-key",
    "authorization",
    "x-api-key",
    "api-key",
    "app_key",
    "app_id",
    "api_key",
    "apikey",
    "access_token",
    "client_secret",
)
_HEADER = re.compile(
    r"(?<![\w-])(?P<name>" + "|".join(map(re.escape, _HEADER_NAMES)) + r")"
    r"(?P<separator>['\"]?\s*:\s*\[?\s*b?['\"]?(?:(?:Bearer|Basic|Token)\s+)?)"
    r"(?P<value>[^\s'\",\]}]+)",
    re.IGNORECASE,
)


def configured_secrets() -> tuple[str, ...]:
    """The values of every ``SecretStr`` setting that is set, longest first."""
    settings = get_settings()
    values = set()
    for name in type(settings).model_fields:
        value = getattr(settings, name, None)
        if isinstance(value, SecretStr):
            secret = value.get_secret_value()
            if len(secret) >= MIN_SECRET_CHARS:
                values.add(secret)
    return tuple(sorted(values, key=lambda value: (-len(value), value)))


@lru_cache(maxsize=8)
def _secret_pattern(secrets: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for the secrets as written and as they appear URL-encoded."""
    forms = {
        form
        for secret in secrets
        for form in (secret, quote(secret, safe=""), quote_plus(secret, safe=""))
    }
    if not forms:
        return None
    ordered = sorted(forms, key=lambda form: (-len(form), form))
    return re.compile("|".join(map(re.escape, ordered)))


def redact_secret_values(text: str) -> str:
    """``text`` with every configured secret value replaced by ``***`` (and nothing else)."""
    pattern = _secret_pattern(configured_secrets())
    return pattern.sub(MASK, text) if pattern is not None and text else text


def redact(text: str) -> str:
    """``text`` with credentials masked: configured secrets, key-like query parameters
    (``app_key=...``, ``token=...``) and credential headers (``Authorization-Key: ...``)."""
    if not text:
        return text
    text = redact_secret_values(text)
    text = _QUERY_PARAMETER.sub(lambda m: f"{m['name']}{m['separator']}{MASK}", text)
    return _HEADER.sub(lambda m: f"{m['name']}{m['separator']}{MASK}", text)


def scrub_record(record: Any) -> tuple[Any, bool]:
    """A copy of a decoded JSON record with configured secrets masked in every string.

    Returns the copy and whether anything was masked. Only configured secret values are
    replaced: a posting's own ``token=`` or ``key=`` parameters are the source's data.
    """
    changed = False

    def scrub(value: Any) -> Any:
        nonlocal changed
        if isinstance(value, str):
            masked = redact_secret_values(value)
            changed = changed or masked != value
            return masked
        if isinstance(value, dict):
            return {scrub(key): scrub(item) for key, item in value.items()}
        if isinstance(value, list):
            return [scrub(item) for item in value]
        return value

    return scrub(record), changed


class RedactSecretsFilter(logging.Filter):
    """Mask credentials in the final message (and traceback) of every record it sees."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken log call: let the handler report it as usual
            return True
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def install_root_log_handler(
    level: str | int, fmt: str, datefmt: str | None = None, stream: Any = None
) -> logging.Handler:
    """Log to stderr through one root handler that masks credentials, as Scrapy would log.

    Scrapy's own root handler cannot carry the filter: Scrapy replaces it whenever a crawler is
    created or started. The runner therefore sets ``LOG_INSTALL_ROOT_HANDLER = False`` and
    installs this handler instead (same format, date format and level).

    The root logger takes the same level. Left at ``NOTSET`` (as Scrapy leaves it), every
    ``debug`` call of every request (Scrapy's "Crawled (200)", its middlewares') builds a log
    record, finds its caller and hands it to the handler only to be dropped there: about 35
    records a board, a few percent of a large night's crawl.
    """
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(fmt=fmt, datefmt=datefmt))
    handler.setLevel(level)
    handler.addFilter(RedactSecretsFilter())
    root = logging.getLogger()
    root.setLevel(level)
    root.addHandler(handler)
    return handler
