"""The frontier's Lua steps against a real redis-server: claims, leases, fencing, the gate."""

from __future__ import annotations

import asyncio
import time
import uuid
from itertools import pairwise

import pytest

from scrapers.frontier import (
    Frontier,
    FrontierError,
    HostPoliteness,
    PolitenessGate,
    WorkerFrontier,
    async_client,
)
from scrapers.sources import SourceEntry

pytestmark = pytest.mark.distributed


def entries(count: int) -> list[SourceEntry]:
    return [
        SourceEntry(
            "greenhouse", f"greenhouse:board{n}", {"kind": "greenhouse", "board": f"board{n}"}
        )
        for n in range(count)
    ]


def test_a_night_keeps_its_entries_and_every_source_is_claimed_once(redis_url):
    frontier = Frontier.connect(redis_url)
    night = frontier.enqueue(entries(3))

    async def claim_all() -> list[str]:
        worker = WorkerFrontier(async_client(redis_url), night, lease_seconds=30)
        claimed = []
        while (lease := await worker.claim()) is not None:
            claimed.append(lease.key)
        return claimed

    assert frontier.current_night() == night
    assert frontier.entries(night) == entries(3)
    assert asyncio.run(claim_all()) == [f"greenhouse:board{n}" for n in range(3)]
    progress = frontier.progress(night)
    assert (progress.total, progress.queued, progress.leased, progress.done) == (3, 0, 3, 0)
    assert not progress.drained


def test_an_expired_lease_goes_to_the_next_claim_and_fences_out_its_old_holder(redis_url):
    frontier = Frontier.connect(redis_url)
    night = frontier.enqueue(entries(1))

    async def scenario() -> dict[str, object]:
        first = WorkerFrontier(async_client(redis_url), night, lease_seconds=0.2)
        second = WorkerFrontier(async_client(redis_url), night, lease_seconds=30)
        lease = await first.claim()
        assert lease is not None
        nothing_yet = await second.claim()  # the lease is live: nothing to take
        await asyncio.sleep(0.3)  # the first worker stopped renewing (it died)
        taken = await second.claim()
        assert taken is not None
        return {
            "nothing_yet": nothing_yet,
            "taken": taken.key,
            "old_renews": await first.renew(lease),
            "old_completes": await first.complete(lease, "/old.run.json", "succeeded", "a"),
            "new_renews": await second.renew(taken),
            "new_completes": await second.complete(taken, "/new.run.json", "succeeded", "b"),
            "drained": await second.drained(),
        }

    outcome = asyncio.run(scenario())

    assert outcome == {
        "nothing_yet": None,
        "taken": "greenhouse:board0",
        "old_renews": False,
        "old_completes": False,
        "new_renews": True,
        "new_completes": True,
        "drained": True,
    }
    assert frontier.results(night) == {
        "greenhouse:board0": {"manifest": "/new.run.json", "status": "succeeded", "worker": "b"}
    }
    assert frontier.attempts(night) == {"greenhouse:board0": 2}


def test_a_renewed_lease_is_not_taken(redis_url):
    frontier = Frontier.connect(redis_url)
    night = frontier.enqueue(entries(1))

    async def scenario() -> object:
        first = WorkerFrontier(async_client(redis_url), night, lease_seconds=0.3)
        second = WorkerFrontier(async_client(redis_url), night, lease_seconds=30)
        lease = await first.claim()
        assert lease is not None
        for _ in range(4):
            await asyncio.sleep(0.1)
            assert await first.renew(lease)
        return await second.claim()

    assert asyncio.run(scenario()) is None


def test_an_unreachable_frontier_is_one_error_naming_it_with_its_password_masked():
    with pytest.raises(FrontierError) as raised:
        Frontier.connect("redis://:secret@127.0.0.1:1/0")

    message = str(raised.value)
    assert message.startswith("the crawl frontier redis://:***@127.0.0.1:1/0 cannot be reached")
    assert "secret" not in message


def test_the_gate_spaces_a_hosts_requests_across_clients_and_bounds_its_concurrency(redis_url):
    host = f"127.0.0.1:{uuid.uuid4().hex[:6]}"
    politeness = HostPoliteness(delay=0.05, concurrency=1)
    admitted: list[float] = []
    in_flight = [0, 0]  # now, most

    async def one_client(requests: int) -> None:
        gate = PolitenessGate(async_client(redis_url), guard=0.0, hold_seconds=10)
        for _ in range(requests):
            holder = uuid.uuid4().hex
            await gate.admit(host, politeness, holder)
            admitted.append(time.monotonic())
            in_flight[0] += 1
            in_flight[1] = max(in_flight)
            await asyncio.sleep(0.01)
            in_flight[0] -= 1
            await gate.release(host, holder)

    async def three_clients() -> None:
        await asyncio.gather(*(one_client(5) for _ in range(3)))

    asyncio.run(three_clients())

    gaps = [later - earlier for earlier, later in pairwise(sorted(admitted))]
    assert len(admitted) == 15
    assert min(gaps) >= 0.049, gaps  # Redis time and this clock differ by well under 1 ms
    assert in_flight[1] == 1
