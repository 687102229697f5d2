"""Rate limits live in the cache backend, so instances sharing Redis share them."""

from __future__ import annotations

import pytest

from movierec import InvalidInput, MovieRec, RateLimited

from conftest import MakeMovieRec


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
