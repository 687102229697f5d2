"""Round trips of the rate limit: a hit can read one more key in its round trip (the
user's stamp), and concurrent hits of one key share one batch's round trip."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from movierec import RateLimiter
from movierec.cache.counters import MemoryWindows, RedisWindows
from movierec.cache.window import Companion, Window
from tests.conftest import MakeMovieRec


@pytest.mark.services_only
async def test_a_hit_reads_its_companion_and_creates_it_when_missing(
    make_mr: MakeMovieRec,
) -> None:
    mr = await make_mr()
    assert mr.settings.redis_url
    prefix = f"movierec-test-{uuid.uuid4().hex[:8]}:"
    limiter = RateLimiter.on_redis(mr.settings.redis_url, prefix)
    try:
        other = Companion(prefix + "stamp:1", lambda: b'"first"', 60_000)
        created = await limiter.hit("k", "10/minute", companion=other)
        replaced = Companion(other.key, lambda: b'"x"', 1)
        again = await limiter.hit("k", "10/minute", companion=replaced)
        plain = await limiter.hit("k", "10/minute")
        batched = await limiter.hit("b", "1000/minute", companion=other)  # counts a batch
        spent = await limiter.hit("b", "1000/minute", companion=other)  # spends from it
    finally:
        await limiter.reset()
        assert isinstance(limiter.store, RedisWindows)
        await limiter.store.client.delete(other.key)
        await limiter.close()
    assert (created.companion, again.companion, plain.companion) == (b'"first"',) * 2 + (None,)
    assert [created.remaining, again.remaining, plain.remaining] == [9, 8, 7]
    assert (batched.companion, spent.companion) == (b'"first"', None)


@pytest.mark.services_only
async def test_a_companion_value_is_made_only_for_a_round_trip(make_mr: MakeMovieRec) -> None:
    mr = await make_mr()
    assert mr.settings.redis_url
    prefix = f"movierec-test-{uuid.uuid4().hex[:8]}:"
    limiter = RateLimiter.on_redis(mr.settings.redis_url, prefix)
    made: list[bytes] = []

    def fresh() -> bytes:
        made.append(b'"stamp-%d"' % len(made))
        return made[-1]

    companion = Companion(prefix + "stamp:1", fresh, 60_000)
    try:
        counted = await limiter.hit("b", "1000/minute", companion=companion)  # a batch
        spent = [await limiter.hit("b", "1000/minute", companion=companion) for _ in range(5)]
    finally:
        await limiter.reset()
        assert isinstance(limiter.store, RedisWindows)
        await limiter.store.client.delete(companion.key)
        await limiter.close()
    assert made == [b'"stamp-0"']  # one round trip, one value; none for the spent hits
    assert counted.companion == b'"stamp-0"'
    assert [d.companion for d in spent] == [None] * 5


async def test_an_in_process_limiter_reads_no_companion() -> None:
    decision = await RateLimiter.in_memory().hit(
        "k", "10/minute", companion=Companion("stamp:1", lambda: b'"x"', 1000)
    )
    assert decision.allowed
    assert decision.companion is None


class _CountingWindows:
    """A shared-looking store (so hits are batched) that counts its round trips."""

    def __init__(self) -> None:
        self.inner = MemoryWindows()
        self.calls = 0

    async def hit(
        self, key: str, limit: int, period_ms: int, cost: int, companion: Companion | None = None
    ) -> Window:
        self.calls += 1
        await asyncio.sleep(0.01)  # a round trip: the other hits arrive meanwhile
        return await self.inner.hit(key, limit, period_ms, cost)

    async def reset(self) -> None:
        await self.inner.reset()

    async def close(self) -> None:
        await self.inner.close()


async def test_concurrent_hits_of_one_key_share_one_batch_round_trip() -> None:
    store = _CountingWindows()
    limiter = RateLimiter(store)
    decisions = await asyncio.gather(*(limiter.hit("k", "6400/minute") for _ in range(40)))
    assert all(d.allowed for d in decisions)
    assert store.calls == 1  # one batch of 64 counted; the 39 others spent from it
    assert sorted(d.remaining for d in decisions)[-1] == 6400 - 1
    more = await asyncio.gather(*(limiter.hit("k", "6400/minute") for _ in range(40)))
    assert all(d.allowed for d in more)
    assert store.calls == 2  # 24 left in the batch, then one more batch for the rest


async def test_a_check_spent_from_a_counted_batch_sets_no_timer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = _CountingWindows()
    limiter = RateLimiter(store)
    timers: list[float | None] = []
    real_timeout = asyncio.timeout

    def counted_timeout(delay: float | None) -> asyncio.Timeout:
        timers.append(delay)
        return real_timeout(delay)

    monkeypatch.setattr(asyncio, "timeout", counted_timeout)
    decisions = [await limiter.check("k", "6400/minute") for _ in range(5)]
    assert [d.remaining for d in decisions if d is not None] == [6399, 6398, 6397, 6396, 6395]
    assert store.calls == 1  # one batch counted, in the one bounded (timed) call
    assert len(timers) == 1  # the four hits spent from it made no I/O to bound
