"""Security state outlives the cache and Redis: restarts, outages and clears revive nothing."""

from __future__ import annotations

import pytest
import redis as sync_redis

from movierec import MovieRec, RateLimited, Settings, Unauthenticated
from tests.conftest import MakeMovieRec
from tests.helpers.factories import PASSWORD, registered_user, signed_in
from tests.helpers.private_redis import PrivateRedis


async def _lock_out(mr: MovieRec, name: str = "carol") -> None:
    await registered_user(mr, name)
    for _ in range(mr.settings.login_failures_per_account):
        with pytest.raises(Unauthenticated):
            await mr.auth.login(name, "wrong password!")


async def test_clearing_the_cache_does_not_revive_a_logged_out_token(mr: MovieRec) -> None:
    pair = await signed_in(mr)
    await mr.auth.logout(await mr.auth.authenticate(pair.access_token))
    await mr.cache.clear()
    with pytest.raises(Unauthenticated, match="revoked"):
        await mr.auth.authenticate(pair.access_token)


@pytest.mark.services_only
async def test_clearing_the_cache_leaves_the_coordination_keys(mr: MovieRec) -> None:
    await _lock_out(mr)
    await mr.limiter.hit("api:ip:198.51.100.1", "10/minute")
    assert mr.settings.redis_url
    client = sync_redis.Redis.from_url(mr.settings.redis_url)
    pattern = mr.settings.resolved_coordination_prefix + "*"
    before = sorted(client.scan_iter(match=pattern))
    await mr.cache.clear()
    assert len(before) >= 2
    assert sorted(client.scan_iter(match=pattern)) == before
    client.close()


@pytest.mark.services_only
async def test_a_logged_out_token_stays_dead_across_a_redis_restart(
    make_mr: MakeMovieRec, private_redis: PrivateRedis
) -> None:
    mr = await make_mr(redis_url=private_redis.url)
    pair = await signed_in(mr)
    await mr.auth.logout(await mr.auth.authenticate(pair.access_token))
    private_redis.restart()
    fresh_worker = await make_mr(redis_url=private_redis.url)
    for worker in (mr, fresh_worker):
        with pytest.raises(Unauthenticated, match="revoked"):
            await worker.auth.authenticate(pair.access_token)


@pytest.mark.services_only
async def test_a_locked_account_stays_locked_across_a_redis_restart(
    make_mr: MakeMovieRec, private_redis: PrivateRedis
) -> None:
    mr = await make_mr(redis_url=private_redis.url)
    await _lock_out(mr)
    private_redis.restart()
    fresh_worker = await make_mr(redis_url=private_redis.url)
    for worker in (mr, fresh_worker):
        with pytest.raises(RateLimited):
            await worker.auth.login("carol", PASSWORD)


@pytest.mark.services_only
async def test_a_logout_during_a_redis_outage_is_kept_when_redis_returns(
    make_mr: MakeMovieRec, private_redis: PrivateRedis
) -> None:
    mr = await make_mr(redis_url=private_redis.url)
    pair = await signed_in(mr)
    assert await mr.auth.authenticate(pair.access_token)
    private_redis.stop()
    await mr.auth.logout(await mr.auth.authenticate(pair.access_token))
    private_redis.start()
    fresh_worker = await make_mr(redis_url=private_redis.url)
    for worker in (mr, fresh_worker):
        with pytest.raises(Unauthenticated, match="revoked"):
            await worker.auth.authenticate(pair.access_token)


def test_a_coordination_prefix_inside_the_cache_prefix_is_refused() -> None:
    with pytest.raises(ValueError, match="overlap"):
        Settings(cache_prefix="movierec:", coordination_prefix="movierec:coord:")
    with pytest.raises(ValueError, match="overlap"):
        Settings(cache_prefix="movierec:x", coordination_prefix="movierec:")
    assert Settings(cache_prefix="app:").resolved_coordination_prefix == "coord:app:"
