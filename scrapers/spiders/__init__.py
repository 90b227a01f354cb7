"""One spider per source kind; ``SPIDERS`` maps a sources-file ``kind`` to its spider class.

Every module of this package that defines a :class:`PostingsSpider` subclass with a ``name`` is
registered: adding a source kind is adding one module, with nothing to edit here.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from scrapers.spiders.base import PostingsSpider


def _discover() -> dict[str, type[PostingsSpider]]:
    found: dict[str, type[PostingsSpider]] = {}
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name.startswith("_") or module_info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for _, value in inspect.getmembers(module, inspect.isclass):
            if (issubclass(value, PostingsSpider) and value.__module__ == module.__name__
                    and getattr(value, "name", None)):
                if value.name in found and found[value.name] is not value:
                    raise RuntimeError(f"two spiders are named {value.name!r}")
                found[value.name] = value
    return dict(sorted(found.items()))


SPIDERS: dict[str, type[PostingsSpider]] = _discover()
