"""``SPIDERS`` maps a sources-file ``kind`` to its spider class; ``base`` is what they stand on.

Each kind's spider lives in its own package, ``scrapers/kinds/<kind>/spider.py``; this module only
gathers them (``scrapers.kinds.spider_for``), so that adding a kind is adding one package.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from scrapers.kinds import kind_names, spider_for
from scrapers.spiders.base import PostingsSpider


def _legacy() -> dict[str, type[PostingsSpider]]:
    """Spiders still in this package (kinds not yet moved to ``scrapers/kinds``)."""
    found: dict[str, type[PostingsSpider]] = {}
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name.startswith("_") or module_info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for _, value in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(value, PostingsSpider)
                and value.__module__ == module.__name__
                and getattr(value, "name", None)
            ):
                found[value.name] = value
    return found


def _discover() -> dict[str, type[PostingsSpider]]:
    found = _legacy()
    for kind in kind_names():
        if kind in found:
            raise RuntimeError(f"two spiders are named {kind!r}")
        found[kind] = spider_for(kind)
    return dict(sorted(found.items()))


SPIDERS: dict[str, type[PostingsSpider]] = _discover()
