"""Spider for Workday career sites through the JSON API behind their pages (``/wday/cxs``).

A Workday career site ``https://{tenant}.{host}.myworkdayjobs.com/[{locale}/]{site}`` (``host``
is the data centre, ``wd1``, ``wd5``, ``wd12``...) is a single-page app that reads two endpoints,
which the spider reads the same way:

* search: ``POST {api_base}/wday/cxs/{tenant}/{site}/jobs`` with the JSON body
  ``{"appliedFacets": {}, "limit": 20, "offset": N, "searchText": ""}``. 20 is the largest page
  the API serves (a larger ``limit`` is reported to answer an empty list with HTTP 200, which
  would read as "no jobs"). A page lists ``title``, ``externalPath``, ``locationsText``
  ("3 Locations"), ``postedOn`` ("Posted 8 Days Ago") and ``bulletFields`` (the requisition
  id); ``total`` counts the matching postings and is reported to be reliable on the first page
  only. The spider keeps the largest ``total`` it has seen, so that a later page announcing a
  smaller one (or ``0``) cannot cut the crawl short, and reads on until it has that many
  postings, a page comes back empty, or ``max_pages`` pages have been read (then it counts an
  error, so the run ends ``partial`` and closes no postings it did not see).
* detail: ``GET {api_base}/wday/cxs/{tenant}/{site}{externalPath}`` for every listed posting,
  answering ``jobPostingInfo`` (``id``, ``title``, ``jobDescription`` HTML, ``location`` and
  ``additionalLocations``, ``timeType``, ``startDate``, ``jobReqId``, ``externalUrl``,
  ``remoteType`` on tenants that publish it) and ``hiringOrganization``. This answer is the
  payload, stored as it came (``parser.py`` reads it): one detail request per posting is the
  cost of having descriptions.

The posting id is ``jobPostingInfo.id``: the requisition id is not unique, since one requisition
can be posted several times (``..._RQ221571-1``).

An entry names its site by ``tenant``, ``site`` and ``host``, or by ``url``, the careers site
address, from which :func:`~scrapers.kinds.workday.recognise.parse_careers_url` reads them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from scrapy.http import JsonRequest

from scrapers.conditional import UNCHANGED_SINCE
from scrapers.items import JobPostingItem
from scrapers.kinds.workday.recognise import parse_careers_url
from scrapers.spiders.base import PostingsSpider, dump_payload

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response

#: Postings per search page: the largest ``limit`` the API accepts.
PAGE_SIZE = 20
#: Search pages read at most unless an entry sets ``max_pages`` (2,000 postings).
DEFAULT_MAX_PAGES = 100
_TENANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
_HOST = re.compile(r"^wd\d+$")
_SITE = re.compile(r"^[A-Za-z0-9_.-]+$")


_POSTED_DAYS_AGO = re.compile(r"^posted\s+(\d+)\+?\s+days?\s+ago$", re.IGNORECASE)


def posted_since(posted_on: Any, now: datetime | None = None) -> datetime | None:
    """The latest time a search result's ``postedOn`` allows ("Posted 8 Days Ago"), if read.

    The day is rounded up, and a day more for the site's time zone (the posting is at least
    that old): a detail page kept after it was not re-posted since. "Posted 30+ Days Ago"
    gives 30 days, a bound that holds too.
    """
    if not isinstance(posted_on, str):
        return None
    text = " ".join(posted_on.split()).lower()
    today = (now or datetime.now(UTC)).replace(hour=0, minute=0, second=0, microsecond=0)
    if text == "posted today":
        days = 0
    elif text == "posted yesterday":
        days = 1
    elif match := _POSTED_DAYS_AGO.match(text):
        days = int(match.group(1))
    else:
        return None
    return today - timedelta(days=days) + timedelta(days=2)


def workday_target(options: dict[str, Any]) -> dict[str, str]:
    """The entry's ``tenant``, ``site`` and ``host`` (``host`` may be empty with ``api_base``)."""
    target = {name: str(options.get(name) or "").strip() for name in ("tenant", "site", "host")}
    if not (target["tenant"] and target["site"]) and options.get("url"):
        parsed = parse_careers_url(str(options["url"]))
        target = {name: target[name] or parsed[name] for name in target}
    for name in ("tenant", "site"):
        if not target[name]:
            raise KeyError(f"missing required option {name!r} (or a careers 'url')")
    if not target["host"] and not options.get("api_base"):
        raise KeyError("missing required option 'host' (e.g. wd5), 'url' or 'api_base'")
    checks = (("tenant", _TENANT), ("site", _SITE), ("host", _HOST))
    for name, pattern in checks:
        if target[name] and not pattern.match(target[name]):
            raise ValueError(f"{name} {target[name]!r} is not a Workday {name}")
    return target


def _max_pages(options: dict[str, Any]) -> int:
    """The entry's ``max_pages``, checked."""
    value = options.get("max_pages", DEFAULT_MAX_PAGES)
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or int(text) < 1:
        raise ValueError(f"max_pages must be a whole number of at least 1, got {value!r}")
    return int(text)


class WorkdaySpider(PostingsSpider):
    """One Workday career site: ``{kind: workday, tenant: gdit, site: External_Career_Site,
    host: wd5}`` or ``{kind: workday, url: https://gdit.wd5.myworkdayjobs.com/External_Career_Site}``.
    """

    name = "workday"

    @classmethod
    def validate_options(cls, options: dict[str, Any]) -> str:
        """Check the site's options; the key is ``workday:<tenant>/<site>``."""
        target = workday_target(options)
        _max_pages(options)
        return f"{cls.name}:{target['tenant']}/{target['site']}"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target = workday_target(self.options)
        self.tenant, self.site = target["tenant"], target["site"]
        self.api_base = str(
            self.options.get("api_base")
            or f"https://{self.tenant}.{target['host']}.myworkdayjobs.com"
        ).rstrip("/")
        self.max_pages = _max_pages(self.options)

    @property
    def site_api(self) -> str:
        """The site's API root: ``{api_base}/wday/cxs/{tenant}/{site}``."""
        return f"{self.api_base}/wday/cxs/{quote(self.tenant)}/{quote(self.site)}"

    def search_request(self, offset: int, page: int, total: int) -> JsonRequest:
        """One search page (a POST with a JSON body)."""
        return JsonRequest(
            f"{self.site_api}/jobs",
            data={"appliedFacets": {}, "limit": PAGE_SIZE, "offset": offset, "searchText": ""},
            callback=self.parse_search,
            errback=self.on_request_failed,
            cb_kwargs={"offset": offset, "page": page, "total": total},
        )

    def initial_requests(self) -> Iterable[Request]:
        yield self.search_request(0, 1, 0)

    def parse_search(
        self, response: Response, offset: int = 0, page: int = 1, total: int = 0, **kwargs: Any
    ) -> Iterator[Request]:
        """Ask for the detail of every listed posting, then for the next search page."""
        data = self.load_json(response)
        if data is None:
            return
        postings = data.get("jobPostings") if isinstance(data, dict) else None
        if not isinstance(postings, list):
            self.record_error(
                "unexpected_shape",
                response.url,
                f"no 'jobPostings' list in the search page at offset {offset}",
            )
            return
        announced = data.get("total")
        if isinstance(announced, int) and announced > total:
            total = announced
        for position, posting in enumerate(postings):
            path = posting.get("externalPath") if isinstance(posting, dict) else None
            if not isinstance(path, str) or not path.startswith("/"):
                self.record_error(
                    "unparseable_record",
                    f"#{offset + position}",
                    "search result without an externalPath",
                )
                continue
            posted = posted_since(posting.get("postedOn"))
            yield self.request(
                f"{self.site_api}{path}",
                self.parse_detail,
                headers={"Accept": "application/json"},
                cb_kwargs={"external_path": path},
                # A detail kept since it was posted is not asked again (scrapers.conditional).
                meta={UNCHANGED_SINCE: posted.isoformat()} if posted is not None else {},
            )
        next_offset = offset + len(postings)
        if not postings or next_offset >= total:
            return
        if page >= self.max_pages:
            self.record_error(
                "max_pages_reached",
                response.url,
                f"stopped after {page} search pages; {total} postings announced",
            )
            return
        yield self.search_request(next_offset, page + 1, total)

    def parse_detail(
        self, response: Response, external_path: str = "?", **kwargs: Any
    ) -> Iterator[JobPostingItem]:
        """Yield the envelope of one posting's detail answer."""
        data = self.load_json(response)
        if data is None:
            return
        yield from self.each_record(
            [data],
            lambda document: self.item(
                source_posting_id=document["jobPostingInfo"]["id"],
                url=response.url,
                payload=dump_payload(document),
            ),
            lambda _: external_path,
        )
