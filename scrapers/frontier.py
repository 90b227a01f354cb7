"""A night's crawl shared on Redis: the frontier of sources, their leases, and per-host politeness.

``postings crawl --frontier redis://HOST:PORT/DB`` puts the night's sources here and any number of
``postings worker`` processes, on any number of machines, drain them (``scrapers.worker``). This
module is the one place that talks to Redis (redis-py; its ``redis.asyncio`` client in workers).

The unit of work is a *source*, not a request: a source's pages chain by cursors and land in one
file with one manifest, so one worker crawls a whole source. (scrapy-redis shares a crawl's
*requests* between processes, which would split a source's landing across workers: it is not
used.) A night, under ``postings:night:<night id>:``, is:

* ``entries``: a hash, source key -> the JSON of its ``SourceEntry`` (workers need no sources file);
* ``queue``: a list of the source keys not yet claimed;
* ``leases``: a sorted set, source key -> when its lease expires (Redis server time, in
  microseconds), with ``tokens``, a hash of the token of the lease's holder: a worker renews
  its leases every third of their life; a worker that dies stops renewing, and the next claim
  takes the source whose lease expired;
* ``done``: a hash, source key -> its manifest's path and status, written only by the holder
  of the lease's token (fencing: a worker whose lease was taken cannot complete the source).

Every step that reads and writes is one Lua script (atomic in Redis), and every time is Redis's
``TIME``, never a machine's clock. Politeness across workers (:class:`PolitenessGate`) is keyed by
host (the download slot key, ``scrapers.scope.host_key``) under ``postings:host:<host>:``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlsplit, urlunsplit

import redis
import redis.asyncio
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

    from scrapers.sources import SourceEntry

logger = logging.getLogger(__name__)

#: The key naming the night ``postings crawl --frontier`` enqueued last (workers default to it).
CURRENT_NIGHT_KEY = "postings:current_night"
#: A night's keys are dropped this long after it was enqueued (a week: time to look into it).
NIGHT_KEEP_SECONDS = 7 * 24 * 3600

#: Connection timeouts and retries: a Redis that is gone is an error in seconds, not minutes.
_SOCKET_TIMEOUT = 5.0
_RETRIES = 2

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
"""

#: KEYS: queue, leases, tokens, attempts. ARGV: lease (us), token. The key claimed, or nil.
_CLAIM = (
    _NOW
    + """
local key = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 1)[1]
if not key then
  key = redis.call('LPOP', KEYS[1])
end
if not key then
  return false
end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[1]), key)
redis.call('HSET', KEYS[3], key, ARGV[2])
redis.call('HINCRBY', KEYS[4], key, 1)
return key
"""
)

#: KEYS: leases, tokens. ARGV: source key, token, lease (us). 1 when renewed, 0 when not held.
_RENEW = (
    _NOW
    + """
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then
  return 0
end
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
return 1
"""
)

#: KEYS: leases, tokens, done. ARGV: source key, token, result. 1 when completed, 0 when not held.
_COMPLETE = """
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then
  return 0
end
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  return 0
end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
return 1
"""

#: KEYS: the host's holders (sorted set, holder -> expiry), the host's last send time.
#: ARGV: delay (us), concurrency, hold (us), holder. ``{now}``: admitted (the holder holds one
#: of the host's places and the send time is now); > 0: microseconds to wait for the delay;
#: -1: the host's concurrency is taken, wait for a release.
_ADMIT = (
    _NOW
    + """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return -1
end
local last = redis.call('GET', KEYS[2])
if last then
  local ready = tonumber(last) + tonumber(ARGV[1])
  if now < ready then
    return ready - now
  end
end
local keep = math.floor((tonumber(ARGV[1]) + tonumber(ARGV[3])) / 1000) + 60000
redis.call('SET', KEYS[2], now, 'PX', keep)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[4])
redis.call('PEXPIRE', KEYS[1], keep)
return {now}
"""
)

#: KEYS: the host's last send time. ARGV: the stamp of an admission whose answer came late.
#: The new stamp (now) when no other request of the host was admitted since; else 0.
_CONFIRM = (
    _NOW
    + """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[1], now, 'KEEPTTL')
return now
"""
)


#: Times a late admission is stamped again at most, before its request goes anyway.
_CONFIRMATIONS = 5


class FrontierError(RuntimeError):
    """The frontier cannot be used (unreachable, or no such night); the message names it."""


def describe_url(url: str) -> str:
    """A Redis URL as it may be shown: its password masked."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[-1]
    user = f"{parts.username}:" if parts.username else ":"
    return urlunsplit(parts._replace(netloc=f"{user}***@{netloc}"))


def new_night_id() -> str:
    """A sortable, unique id for one night's frontier."""
    return f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"


@dataclass(frozen=True)
class NightKeys:
    """The Redis keys of one night's frontier."""

    night: str

    def key(self, name: str) -> str:
        """``postings:night:<night>:<name>``."""
        return f"postings:night:{self.night}:{name}"

    @property
    def all(self) -> list[str]:
        """Every key of the night."""
        return [self.key(name) for name in ("entries", "queue", "leases", "tokens", "attempts")] + [
            self.key("done")
        ]


def entry_document(entry: SourceEntry) -> str:
    """A source entry as the JSON a worker rebuilds it from."""
    return json.dumps({"kind": entry.kind, "key": entry.key, "options": entry.options})


def entry_from_document(document: str | bytes) -> SourceEntry:
    """The source entry of :func:`entry_document`."""
    from scrapers.sources import SourceEntry

    values = json.loads(document)
    return SourceEntry(kind=values["kind"], key=values["key"], options=dict(values["options"]))


def _connection_options() -> dict[str, Any]:
    return {
        "socket_timeout": _SOCKET_TIMEOUT,
        "socket_connect_timeout": _SOCKET_TIMEOUT,
        "decode_responses": True,
    }


@dataclass
class Progress:
    """How far a night is: sources waiting, leased (being crawled, or abandoned), done."""

    total: int
    queued: int
    leased: int
    done: int

    @property
    def drained(self) -> bool:
        """True once no source waits and none is leased."""
        return self.queued == 0 and self.leased == 0


class Frontier:
    """The coordinator's side (synchronous): enqueue a night, watch it drain, read its results."""

    def __init__(self, url: str, client: redis.Redis) -> None:
        self.url = url
        self.client = client

    @classmethod
    def connect(cls, url: str) -> Self:
        """Connect and PING; raise ``FrontierError`` naming the URL when it cannot be reached."""
        try:
            client = redis.Redis.from_url(
                url,
                retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), _RETRIES),
                **_connection_options(),
            )
            client.ping()
        except (redis.RedisError, ValueError) as error:
            raise FrontierError(
                f"the crawl frontier {describe_url(url)} cannot be reached: {error}"
            ) from error
        return cls(url, client)

    def enqueue(self, entries: list[SourceEntry], night: str | None = None) -> str:
        """Put a night's entries in a new frontier (the current night); return its id."""
        keys = NightKeys(night or new_night_id())
        pipe = self.client.pipeline(transaction=True)
        for name in keys.all:
            pipe.delete(name)
        if entries:
            pipe.hset(
                keys.key("entries"),
                mapping={entry.key: entry_document(entry) for entry in entries},
            )
            pipe.rpush(keys.key("queue"), *[entry.key for entry in entries])
        pipe.hset(keys.key("meta"), mapping={"total": len(entries), "created": new_night_id()})
        for name in [*keys.all, keys.key("meta")]:
            pipe.expire(name, NIGHT_KEEP_SECONDS)
        pipe.set(CURRENT_NIGHT_KEY, keys.night, ex=NIGHT_KEEP_SECONDS)
        pipe.execute()
        logger.info(
            "Frontier %s: night %s, %d sources", describe_url(self.url), keys.night, len(entries)
        )
        return keys.night

    def current_night(self) -> str:
        """The night enqueued last; ``FrontierError`` when there is none."""
        night = self.client.get(CURRENT_NIGHT_KEY)
        if not night:
            raise FrontierError(
                f"the crawl frontier {describe_url(self.url)} holds no night: "
                "start one with `postings crawl --frontier ...`"
            )
        return str(night)

    def entries(self, night: str) -> list[SourceEntry]:
        """A night's source entries, in the order they were enqueued."""
        documents = self.client.hgetall(NightKeys(night).key("entries"))
        if not documents:
            raise FrontierError(
                f"the crawl frontier {describe_url(self.url)} has no night {night!r}"
            )
        return sorted(
            (entry_from_document(document) for document in documents.values()),
            key=lambda entry: entry.key,
        )

    def progress(self, night: str) -> Progress:
        """How far the night is."""
        keys = NightKeys(night)
        pipe = self.client.pipeline(transaction=True)
        pipe.hlen(keys.key("entries"))
        pipe.llen(keys.key("queue"))
        pipe.zcard(keys.key("leases"))
        pipe.hlen(keys.key("done"))
        total, queued, leased, done = pipe.execute()
        return Progress(int(total), int(queued), int(leased), int(done))

    def results(self, night: str) -> dict[str, dict[str, Any]]:
        """Every source completed: key -> ``{"manifest": path, "status": ..., "worker": ...}``."""
        done = self.client.hgetall(NightKeys(night).key("done"))
        return {str(key): json.loads(value) for key, value in done.items()}

    def attempts(self, night: str) -> dict[str, int]:
        """How many times each source was claimed (more than once: a lease expired)."""
        counts = self.client.hgetall(NightKeys(night).key("attempts"))
        return {str(key): int(value) for key, value in counts.items()}

    def close(self) -> None:
        """Close the connection."""
        self.client.close()


@dataclass(frozen=True)
class Lease:
    """A worker's hold on one source."""

    key: str
    token: str


def async_client(url: str) -> redis.asyncio.Redis:
    """A ``redis.asyncio`` client for a worker (made on the crawl's event loop)."""
    from redis.asyncio.retry import Retry as AsyncRetry

    return redis.asyncio.Redis.from_url(
        url,
        retry=AsyncRetry(ExponentialBackoff(cap=0.5, base=0.05), _RETRIES),
        **_connection_options(),
    )


class WorkerFrontier:
    """A worker's side (``redis.asyncio``): claim, renew and complete sources of one night."""

    def __init__(self, client: redis.asyncio.Redis, night: str, lease_seconds: float) -> None:
        self.client = client
        self.keys = NightKeys(night)
        self.lease_us = int(lease_seconds * 1_000_000)
        self._claim = client.register_script(_CLAIM)
        self._renew = client.register_script(_RENEW)
        self._complete = client.register_script(_COMPLETE)

    async def claim(self) -> Lease | None:
        """The next source to crawl (one whose lease expired first), leased; None when none."""
        token = uuid.uuid4().hex
        keys = self.keys
        key = await self._claim(
            keys=[keys.key("queue"), keys.key("leases"), keys.key("tokens"), keys.key("attempts")],
            args=[self.lease_us, token],
        )
        return Lease(str(key), token) if key else None

    async def renew(self, lease: Lease) -> bool:
        """Extend a lease; False when the worker no longer holds it (it expired and was taken)."""
        keys = self.keys
        held = await self._renew(
            keys=[keys.key("leases"), keys.key("tokens")],
            args=[lease.key, lease.token, self.lease_us],
        )
        return bool(held)

    async def complete(self, lease: Lease, manifest: str, status: str, worker: str) -> bool:
        """Record a source as done with its manifest; False (nothing written) when not held."""
        keys = self.keys
        result = json.dumps({"manifest": manifest, "status": status, "worker": worker})
        done = await self._complete(
            keys=[keys.key("leases"), keys.key("tokens"), keys.key("done")],
            args=[lease.key, lease.token, result],
        )
        return bool(done)

    async def drained(self) -> bool:
        """True once no source waits and none is leased (by this worker or another)."""
        queued = await self.client.llen(self.keys.key("queue"))
        leased = await self.client.zcard(self.keys.key("leases"))
        return int(queued) == 0 and int(leased) == 0


# ---------------------------------------------------------------------------- politeness
#: The request meta key holding the request's place in its host's concurrency.
HOLD_META = "postings_frontier_hold"


@dataclass(frozen=True)
class HostPoliteness:
    """One host's delay between requests and requests in flight, across all workers."""

    delay: float
    concurrency: int


class PolitenessGate:
    """Per-host politeness across every worker of a Redis: a shared delay and concurrency.

    Before a request to a host is sent, :meth:`admit` waits until, atomically in Redis, the
    host has a free place (a sorted set of holders, each with an expiry so that a dead worker's
    places come back) and its last request was sent at least ``delay + guard`` ago (by Redis
    time); the admission is that request's send time. ``guard`` covers the moment a request
    leaves the machine being a little later than its admission (the event loop, a connection
    being opened): measured gaps at the server stay at or above the delay. An admission whose
    answer took longer than half the guard to come back (the worker was busy or starved of CPU)
    is stamped again when it arrives, unless another request of the host was admitted since
    (then it asks again): a late worker cannot send closer to the next request than the guard.
    """

    def __init__(self, client: redis.asyncio.Redis, guard: float, hold_seconds: float) -> None:
        self.client = client
        self.guard_us = int(guard * 1_000_000)
        self.hold_us = int(hold_seconds * 1_000_000)
        self._admit = client.register_script(_ADMIT)
        self._confirm = client.register_script(_CONFIRM)
        #: An answer slower than this is late (half the guard; 5 ms at least: a round trip).
        self.late = max(guard / 2, 0.005)

    @staticmethod
    def keys(host: str) -> list[str]:
        """The Redis keys of one host's politeness."""
        return [f"postings:host:{host}:holders", f"postings:host:{host}:last"]

    async def admit(self, host: str, politeness: HostPoliteness, holder: str) -> None:
        """Wait for the host's turn; the holder then holds one of its places (``release``)."""
        delay_us = int(politeness.delay * 1_000_000) + (self.guard_us if politeness.delay else 0)
        poll = max(0.002, min(politeness.delay, 0.05))
        loop = asyncio.get_running_loop()
        keys = self.keys(host)
        while True:
            asked = loop.time()
            answer = await self._admit(
                keys=keys, args=[delay_us, max(1, politeness.concurrency), self.hold_us, holder]
            )
            if not isinstance(answer, list):
                wait = int(answer)
                await asyncio.sleep(poll if wait < 0 else wait / 1_000_000)
                continue
            stamp = int(answer[0])
            # An answer that came back late (this process was busy, or starved of CPU) would
            # send the request later than its stamp, closer to the next one than the guard
            # allows: stamp it again, now, unless another request of the host came in between.
            for _ in range(_CONFIRMATIONS):
                if not stamp or not politeness.delay or loop.time() - asked <= self.late:
                    break
                asked = loop.time()
                stamp = int(await self._confirm(keys=keys[1:], args=[stamp]))
            if stamp:
                return
            await self.release(host, holder)  # another request went first: ask again

    async def release(self, host: str, holder: str) -> None:
        """Give the holder's place back."""
        await self.client.zrem(self.keys(host)[0], holder)


class SharedPolitenessMiddleware:
    """Downloader middleware of a worker: every request waits for its host's shared turn.

    Placed after the HTTP cache middleware (900), so that a page answered from the cache waits
    for nothing. Each host's delay and concurrency are the night's (``POSTINGS_SHARED_POLITENESS``,
    from the entries' ``delay`` and ``concurrency``; the project's defaults for other hosts).
    A request that cannot pass the gate (Redis is gone) is not sent: it fails, as a request.
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.url = str(settings.get("POSTINGS_FRONTIER"))
        self.slots: dict[str, Any] = settings.getdict("POSTINGS_SHARED_POLITENESS")
        self.default = HostPoliteness(
            settings.getfloat("POSTINGS_SHARED_DEFAULT_DELAY", 1.0),
            settings.getint("POSTINGS_SHARED_DEFAULT_CONCURRENCY", 2),
        )
        self.guard = settings.getfloat("POSTINGS_POLITENESS_GUARD", 0.025)
        # A place is held at most as long as a download may take, then given back by itself.
        self.hold_seconds = settings.getfloat("DOWNLOAD_TIMEOUT", 30.0) + 5.0
        self._gate: PolitenessGate | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        from scrapy.exceptions import NotConfigured

        if not crawler.settings.get("POSTINGS_FRONTIER"):
            raise NotConfigured("no shared frontier: politeness is the crawler's own")
        return cls(crawler)

    @property
    def gate(self) -> PolitenessGate:
        """The gate, its client made on the crawl's event loop at first use."""
        if self._gate is None:
            self._gate = PolitenessGate(async_client(self.url), self.guard, self.hold_seconds)
        return self._gate

    def politeness(self, host: str) -> HostPoliteness:
        """The host's delay and concurrency tonight."""
        slot = self.slots.get(host) or {}
        return HostPoliteness(
            float(slot.get("delay", self.default.delay)),
            int(slot.get("concurrency", self.default.concurrency)),
        )

    async def process_request(self, request: Request) -> None:
        from scrapy.exceptions import IgnoreRequest

        from scrapers.scope import host_key

        host = request.meta.get("download_slot") or host_key(request.url) or ""
        holder = uuid.uuid4().hex
        try:
            await self.gate.admit(host, self.politeness(host), holder)
        except redis.RedisError as error:
            raise IgnoreRequest(
                f"not sent: the politeness gate of {host} on {describe_url(self.url)} "
                f"cannot be reached: {error}"
            ) from error
        request.meta[HOLD_META] = (host, holder)

    async def process_response(self, request: Request, response: Response) -> Response:
        await self._release(request)
        return response

    async def process_exception(self, request: Request, exception: Exception) -> None:
        await self._release(request)

    async def _release(self, request: Request) -> None:
        hold = request.meta.pop(HOLD_META, None)
        if hold is None:  # answered before the gate (the HTTP cache), or already released
            return
        host, holder = hold
        try:
            await self.gate.release(host, holder)
        except redis.RedisError as error:  # the place comes back by itself when it expires
            logger.warning("Could not release a place of %s: %s", host, error)
