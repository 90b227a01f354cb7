"""Every source kind is one package the registry finds, with what the README promises."""

from __future__ import annotations

import re

import pytest

from scrapers.kinds import KINDS_DIR, about, kind_names, parser_for, spider_for
from scrapers.spiders import SPIDERS
from scrapers.spiders.base import PostingsSpider
from warehouse.config import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def test_every_kind_package_is_a_spider_of_the_runner():
    assert kind_names() == sorted(SPIDERS)
    assert not [
        path.name
        for path in (PROJECT_ROOT / "scrapers" / "spiders").glob("*.py")
        if path.name not in ("__init__.py", "base.py")
    ]


@pytest.mark.parametrize("kind", kind_names())
def test_kind_has_a_spider_a_parser_a_docstring_and_a_readme_row(kind):
    spider = spider_for(kind)

    assert issubclass(spider, PostingsSpider)
    assert spider.name == kind
    assert callable(parser_for(kind))
    assert len(about(kind)) > 20
    assert re.search(rf"^\| `{kind}` \|", README, re.MULTILINE), f"no README row for {kind}"
    assert (KINDS_DIR / kind / "parser.py").is_file()


def test_unknown_kind_is_a_clear_error():
    with pytest.raises(KeyError, match="unknown source kind 'nope'"):
        parser_for("nope")
