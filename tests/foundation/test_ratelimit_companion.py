"""A rate-limit hit can read one more key in its round trip (the user's stamp)."""

from __future__ import annotations

import uuid

import pytest

from movierec import RateLimiter
from movierec.cache.counters import RedisWindows
from movierec.cache.window import Companion
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
        other = Companion(prefix + "stamp:1", b'"first"', 60_000)
        created = await limiter.hit("k", "10/minute", companion=other)
        again = await limiter.hit("k", "10/minute", companion=Companion(other.key, b'"x"', 1))
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


async def test_an_in_process_limiter_reads_no_companion() -> None:
    decision = await RateLimiter.in_memory().hit(
        "k", "10/minute", companion=Companion("stamp:1", b'"x"', 1000)
    )
    assert decision.allowed
    assert decision.companion is None
