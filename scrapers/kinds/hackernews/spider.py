"""Spider for Hacker News "Ask HN: Who is hiring?" threads through the Algolia HN Search API.

Every month the ``whoishiring`` account posts three threads; only "Ask HN: Who is hiring?" carries
job postings ("Who wants to be hired?" and "Freelancer? Seeking freelancer?" do not). Each
top-level comment of that thread is one posting, written by hand: by convention its first line is
``Company | Role | Location | ...``, but the order, separators and number of fields vary from
comment to comment. The spider stores each top-level comment's search hit as sent (the
payload); ``parser.py`` reads its header line, so a better reading reaches all of history.

Endpoints (default host hn.algolia.com):

* threads: ``GET {api_base}/api/v1/search_by_date?tags=story,author_whoishiring&hitsPerPage=50``
* comments: ``GET {api_base}/api/v1/search?tags=comment,story_{id}&hitsPerPage=1000&page=P``
  (``nbPages`` says how many pages there are).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from scrapers.items import JobPostingItem
from scrapers.spiders.base import PostingsSpider, dump_payload

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response

logger = logging.getLogger(__name__)

#: The title every monthly hiring thread starts with.
WHO_IS_HIRING_PREFIX = "Ask HN: Who is hiring?"
#: Stories per thread search: about three threads a month, so some sixteen months of threads.
THREADS_PER_SEARCH = 50
#: Comments per page of the comment search (Algolia's maximum).
COMMENTS_PER_PAGE = 1000


def _whole_number(value: Any) -> int | None:
    """``value`` as a non-negative int when it is one (or its digits), else None."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    text = str(value).strip()
    return int(text) if text.isdigit() else None


class HackernewsSpider(PostingsSpider):
    """The latest "Who is hiring?" threads: ``{kind: hackernews, threads: 1}``.

    ``threads`` (default 1) is how many of the latest monthly threads to read; ``story_ids``
    (a list of HN item ids) reads those threads instead of searching for them.
    """

    name = "hackernews"
    default_api_base = "https://hn.algolia.com"

    @classmethod
    def validate_options(cls, options: dict[str, Any]) -> str:
        """Check ``threads`` and ``story_ids``; key ``hackernews:whoishiring`` unless named."""
        threads = _whole_number(options.get("threads", 1))
        if threads is None or not 1 <= threads <= THREADS_PER_SEARCH:
            raise ValueError(
                f"threads must be a whole number from 1 to {THREADS_PER_SEARCH}, "
                f"got {options.get('threads')!r}"
            )
        story_ids = options.get("story_ids")
        if story_ids is not None and (
            not isinstance(story_ids, list)
            or not story_ids
            or any(_whole_number(story_id) is None for story_id in story_ids)
        ):
            raise ValueError(f"story_ids must be a list of HN item ids, got {story_ids!r}")
        return f"{cls.name}:{options.get('name') or 'whoishiring'}"

    # ------------------------------------------------------------------ requests
    def initial_requests(self) -> Iterable[Request]:
        story_ids = self.options.get("story_ids")
        if story_ids:
            for story_id in story_ids:
                yield self.comments_request(int(story_id), 0)
            return
        yield self.request(
            f"{self.api_base}/api/v1/search_by_date?tags=story,author_whoishiring"
            f"&hitsPerPage={THREADS_PER_SEARCH}",
            self.parse_threads,
        )

    def comments_request(self, story_id: int, page: int) -> Request:
        """One page of the comments of a thread."""
        return self.request(
            f"{self.api_base}/api/v1/search?tags=comment,story_{story_id}"
            f"&hitsPerPage={COMMENTS_PER_PAGE}&page={page}",
            self.parse_comments,
            cb_kwargs={"story_id": story_id, "page": page},
        )

    # ------------------------------------------------------------------ callbacks
    def parse_threads(self, response: Response) -> Iterator[Request]:
        """Pick the newest "Who is hiring?" threads among the whoishiring account's stories."""
        data = self.load_json(response)
        if data is None:
            return
        hits = data.get("hits") if isinstance(data, dict) else None
        if not isinstance(hits, list):
            self.record_error("unexpected_shape", response.url, "no 'hits' list in the response")
            return
        hiring = [
            hit
            for hit in hits
            if isinstance(hit, dict)
            and str(hit.get("title") or "").startswith(WHO_IS_HIRING_PREFIX)
            and hit.get("objectID")
        ]
        hiring.sort(key=lambda hit: int(hit.get("created_at_i") or 0), reverse=True)
        wanted = int(self.options.get("threads", 1))
        chosen = hiring[:wanted]
        if not chosen:
            self.record_error(
                "no_threads",
                response.url,
                f"no story titled {WHO_IS_HIRING_PREFIX!r} among {len(hits)} hits",
            )
            return
        if len(chosen) < wanted:
            logger.warning(
                "%s: asked for %d threads, found %d", self.source_key, wanted, len(chosen)
            )
        for hit in chosen:
            logger.info(
                "%s: reading thread %s (%s)", self.source_key, hit["objectID"], hit.get("title")
            )
            yield self.comments_request(int(hit["objectID"]), 0)

    def parse_comments(
        self, response: Response, story_id: int, page: int = 0, **kwargs: Any
    ) -> Iterator[Any]:
        """Yield one envelope per top-level comment; ask for the other pages from the first one."""
        data = self.load_json(response)
        if data is None:
            return
        hits = data.get("hits") if isinstance(data, dict) else None
        if not isinstance(hits, list):
            self.record_error("unexpected_shape", response.url, "no 'hits' list in the response")
            return
        if page == 0:
            pages = int(data.get("nbPages") or 1)
            for next_page in range(1, pages):
                yield self.comments_request(story_id, next_page)
        postings = []
        for hit in hits:
            if not isinstance(hit, dict) or str(hit.get("parent_id")) != str(story_id):
                self.count("postings/skipped/reply")
            elif not str(hit.get("comment_text") or "").strip():  # a non-text one fails alone
                self.count("postings/skipped/deleted")
            else:
                postings.append(hit)
        yield from self.each_record(
            postings,
            lambda hit: self.build_item(hit, response.url),
            lambda hit: hit.get("objectID"),
        )

    def build_item(self, hit: dict[str, Any], page_url: str) -> JobPostingItem:
        """The envelope of one top-level comment: its id and the search hit as sent."""
        posting_id = hit["objectID"]  # an object here is rejected by item(), not made text
        return self.item(source_posting_id=posting_id, url=page_url, payload=dump_payload(hit))
