"""Rate limits live in the cache backend, so instances sharing Redis share them."""

from __future__ import annotations

import random

import pytest

from movierec import InvalidInput, MovieRec, RateLimited
from movierec.cache import RateLimiter
from movierec.cache.window import WindowCounts
from tests.conftest import MakeMovieRec


async def test_hits_past_the_limit_are_refused(mr: MovieRec) -> None:
    decisions = [await mr.limiter.hit("ip:1.2.3.4", "3/minute") for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert decisions[0].remaining == 2
    assert decisions[-1].remaining == 0
    assert 0 < decisions[-1].reset_after <= 60
    with pytest.raises(RateLimited) as caught:
        decisions[-1].raise_if_denied()
    assert caught.value.retry_after > 0


async def test_keys_are_counted_separately(mr: MovieRec) -> None:
    assert (await mr.limiter.hit("a", "1/minute")).allowed
    assert (await mr.limiter.hit("b", "1/minute")).allowed
    assert not (await mr.limiter.hit("a", "1/minute")).allowed


async def test_a_bad_rate_is_invalid_input(mr: MovieRec) -> None:
    with pytest.raises(InvalidInput, match="not a rate limit"):
        await mr.limiter.hit("a", "lots")


async def test_acquire_waits_for_the_window(mr: MovieRec) -> None:
    waited = [await mr.limiter.acquire("tmdb", "2/second") for _ in range(3)]
    assert waited[:2] == [0.0, 0.0]
    assert waited[2] > 0


@pytest.mark.services_only
async def test_instances_sharing_redis_share_the_limit(make_mr: MakeMovieRec) -> None:
    first, second = await make_mr(), await make_mr()
    assert (await first.limiter.hit("user:1", "2/minute")).allowed
    assert (await second.limiter.hit("user:1", "2/minute")).allowed
    assert not (await first.limiter.hit("user:1", "2/minute")).allowed
    assert not (await second.limiter.hit("user:1", "2/minute")).allowed


# --- the sliding window counter (movierec.cache.window), the same steps in Lua and Python

MINUTE = 60_000


def test_the_previous_window_weighs_by_the_share_still_inside() -> None:
    counts = WindowCounts()
    for _ in range(10):
        decision, counts = counts.hit(MINUTE * 5 + 1_000, 10, MINUTE, 1)
        assert decision.allowed
    # Half-way through the next window, half of the previous window's 10 still count.
    allowed = 0
    now = MINUTE * 6 + MINUTE // 2
    while True:
        decision, counts = counts.hit(now, 10, MINUTE, 1)
        if not decision.allowed:
            break
        allowed += 1
    assert allowed == 5
    assert decision.remaining == 0
    # 5 (previous share) + 5 (current) = 10: the same hit fits once the share drops to 4.
    assert decision.retry_ms == MINUTE // 10
    later, _ = counts.hit(now + decision.retry_ms, 10, MINUTE, 1)
    assert later.allowed


def test_a_refused_hit_in_a_full_window_waits_for_the_next() -> None:
    counts = WindowCounts()
    for _ in range(3):
        _, counts = counts.hit(MINUTE * 2 + 15_000, 3, MINUTE, 1)
    decision, counts = counts.hit(MINUTE * 2 + 15_000, 3, MINUTE, 1)
    assert not decision.allowed
    assert decision.reset_ms == 45_000
    # Next window: 3 previous hits weigh 3 * (1 - e/60s) and must drop to 2.
    assert decision.retry_ms == 45_000 + 20_000
    assert counts.hit(MINUTE * 3 + 20_000, 3, MINUTE, 1)[0].allowed


def test_the_error_bound_holds_for_any_arrivals() -> None:
    """At most ``limit`` per fixed window; fewer than ``2 * limit`` in any sliding period."""
    rng = random.Random(14)
    limit, period = 20, 1_000
    for _ in range(50):
        counts, admitted = WindowCounts(), []
        times = sorted(rng.randrange(0, 5 * period) for _ in range(rng.randrange(50, 400)))
        for now in times:
            decision, counts = counts.hit(now, limit, period, 1)
            if decision.allowed:
                admitted.append(now)
        for start in range(0, 5 * period, period):
            assert sum(1 for t in admitted if start <= t < start + period) <= limit
        for i, first in enumerate(admitted):
            assert sum(1 for t in admitted[i:] if t < first + period) < 2 * limit


@pytest.mark.services_only
async def test_redis_and_in_process_counting_agree(make_mr: MakeMovieRec) -> None:
    mr = await make_mr()
    in_process = RateLimiter.in_memory()
    shared = [await mr.limiter.hit("same", "4/hour") for _ in range(6)]
    local = [await in_process.hit("same", "4/hour") for _ in range(6)]
    assert [(d.allowed, d.remaining) for d in shared] == [(d.allowed, d.remaining) for d in local]
    assert shared[-1].retry_after > 0
