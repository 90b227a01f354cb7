"""One spider per source kind; ``SPIDERS`` maps a sources-file ``kind`` to its spider class."""

from __future__ import annotations

from scrapers.spiders.ashby import AshbySpider
from scrapers.spiders.greenhouse import GreenhouseSpider
from scrapers.spiders.hackernews import HackernewsSpider
from scrapers.spiders.jsonld import JsonldSpider
from scrapers.spiders.lever import LeverSpider

SPIDERS = {
    spider.name: spider
    for spider in (GreenhouseSpider, LeverSpider, AshbySpider, HackernewsSpider, JsonldSpider)
}
