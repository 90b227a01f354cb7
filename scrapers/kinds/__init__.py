"""Every source kind, one package each: ``scrapers/kinds/<kind>/``.

A kind's package holds everything that is particular to it, and nothing else needs editing to
add one:

==================  ==========================================================================
``__init__.py``     its docstring: one line on what the source is (the README's table row),
                    then the sources-file entry that crawls one source of the kind
``spider.py``       the spider (a :class:`~scrapers.spiders.base.PostingsSpider`): fetches
                    pages and yields one envelope per posting (``scrapers.items``), parses
                    nothing but the posting's id
``parser.py``       ``parse(payload, context) -> PostingFields``: the stored payload as posting
                    fields, pure and typed (``scrapers.parsing``); dbt applies it to every
                    stored version
``recognise.py``    optional: ``recognise(url) -> entry | None`` for careers URLs of the
                    platform (``postings sources add URL``; ``scrapers.discovery``)
==================  ==========================================================================

The registry imports lazily: dbt's parse model needs the parsers only, not Scrapy.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import pkgutil
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from scrapers.parsing import Parser
    from scrapers.spiders.base import PostingsSpider

KINDS_DIR = Path(__file__).resolve().parent


def kind_names() -> list[str]:
    """The name of every kind (its package's name), sorted."""
    return sorted(
        info.name
        for info in pkgutil.iter_modules([str(KINDS_DIR)])
        if info.ispkg and not info.name.startswith("_")
    )


def _module(kind: str, part: str) -> ModuleType | None:
    """``scrapers.kinds.<kind>.<part>``, or None when the kind has no such module."""
    if kind not in kind_names():
        raise KeyError(f"unknown source kind {kind!r} (known: {', '.join(kind_names())})")
    name = f"{__name__}.{kind}.{part}"
    if importlib.util.find_spec(name) is None:
        return None
    return importlib.import_module(name)


@cache
def parser_for(kind: str) -> Parser:
    """The kind's ``parse`` function."""
    module = _module(kind, "parser")
    if module is None or not callable(getattr(module, "parse", None)):
        raise KeyError(f"source kind {kind!r} has no parser.parse")
    parse: Parser = module.parse
    return parse


@cache
def spider_for(kind: str) -> type[PostingsSpider]:
    """The kind's spider class (the one in its ``spider.py`` whose ``name`` is the kind)."""
    from scrapers.spiders.base import PostingsSpider

    module = _module(kind, "spider")
    if module is None:
        raise KeyError(f"source kind {kind!r} has no spider.py")
    for _, value in inspect.getmembers(module, inspect.isclass):
        if (
            issubclass(value, PostingsSpider)
            and value.__module__ == module.__name__
            and getattr(value, "name", None) == kind
        ):
            return value
    raise KeyError(f"source kind {kind!r} has no spider named {kind!r} in its spider.py")


@cache
def recogniser_for(kind: str) -> Callable[..., dict[str, Any] | None] | None:
    """The kind's careers-URL recogniser, when it has one."""
    module = _module(kind, "recognise")
    return getattr(module, "recognise", None) if module is not None else None


def about(kind: str) -> str:
    """The first line of the kind's package docstring: what the source is."""
    module = importlib.import_module(f"{__name__}.{kind}")
    return (module.__doc__ or kind).strip().splitlines()[0]


def parser_files() -> list[Path]:
    """The files whose code decides what a payload becomes (the dbt build's fingerprint)."""
    shared = [KINDS_DIR.parent / name for name in ("parsing.py", "normalize.py")]
    return [*shared, *sorted(KINDS_DIR.glob("*/parser.py"))]


def parse_envelope(envelope: Any) -> Any:
    """What the kind's parser makes of a landed envelope (a ``JobPostingItem`` or its dict).

    The same call dbt's parse model makes for every stored version; tests use it to check what
    a crawl's envelopes will become.
    """
    import json

    from scrapers.parsing import ParseContext

    record = envelope if isinstance(envelope, dict) else vars(envelope)
    context = record.get("source_context") or {}
    if isinstance(context, str):
        context = json.loads(context)
    return parser_for(record["source_kind"])(
        record["payload"],
        ParseContext(
            source_kind=record["source_kind"],
            source_key=record["source_key"],
            source_posting_id=str(record["source_posting_id"]),
            url=record.get("url"),
            context=context,
        ),
    )
