"""A Redis that hangs instead of refusing: one request per interval waits, the rest go on.

The proxy accepts connections and swallows the traffic (a black hole), the worst kind of
outage: only timeouts notice it. After the first failure the cache and the rate limiter
serve in-process and send one probe per ``retry_after`` to Redis; calls made while that
probe hangs must not queue behind it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from functools import partial

import pytest

from movierec import MovieRec
from tests.conftest import MakeMovieRec
from tests.helpers.background_proxy import BackgroundProxy

pytestmark = pytest.mark.services_only


@pytest.fixture
async def stalled_mr(make_mr: MakeMovieRec, redis_proxy: BackgroundProxy) -> MovieRec:
    mr = await make_mr(redis_url=redis_proxy.url)
    mr.cache.breaker.retry_after = 0.2  # type: ignore[attr-defined]
    mr.limiter.breaker.retry_after = 0.2
    await mr.cache.set("warm", 1)
    await mr.limiter.hit("warm", "5/minute")
    redis_proxy.stall()
    await mr.cache.get("warm")  # the aborted connection fails at once: now degraded
    await mr.limiter.hit("warm", "5/minute")
    assert mr.cache.degraded  # type: ignore[attr-defined]
    assert mr.limiter.degraded
    await asyncio.sleep(0.3)  # past retry_after: the next call probes the black hole
    return mr


async def _timed(calls: list[Callable[[], Awaitable[object]]]) -> list[float]:
    async def one(call: Callable[[], Awaitable[object]]) -> float:
        started = time.monotonic()
        await call()
        return time.monotonic() - started

    return list(await asyncio.gather(*(one(c) for c in calls)))


async def test_cache_calls_do_not_queue_behind_a_hanging_probe(stalled_mr: MovieRec) -> None:
    cache = stalled_mr.cache
    seconds = await _timed([partial(cache.get, f"k{i}") for i in range(10)])
    slow = [s for s in seconds if s > 0.5]
    assert len(slow) <= 1, seconds
    assert max(seconds) < 3.0


async def test_rate_limit_calls_do_not_queue_behind_a_hanging_probe(stalled_mr: MovieRec) -> None:
    limiter = stalled_mr.limiter
    seconds = await _timed([partial(limiter.hit, f"ip{i}", "5/minute") for i in range(10)])
    slow = [s for s in seconds if s > 0.5]
    assert len(slow) <= 1, seconds
    assert max(seconds) < 3.0


async def test_a_request_path_check_gives_up_after_a_second_then_leaves_the_limiter_alone(
    stalled_mr: MovieRec,
) -> None:
    limiter = stalled_mr.limiter
    started = time.monotonic()
    assert await limiter.check("ip", "5/minute") is None  # the probe hangs: unlimited
    waited = time.monotonic() - started
    assert 0.9 < waited < 1.9, waited
    started = time.monotonic()
    assert await limiter.check("ip", "5/minute") is None  # not asked again for a while
    assert time.monotonic() - started < 0.1
