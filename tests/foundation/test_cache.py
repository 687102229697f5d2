"""One contract for both cache backends, plus single-flight and stale-on-error."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from movierec import ManualClock, MovieRec, Settings, UpstreamUnavailable
from movierec.cache import Cache, CachedLoader, MemoryCache, RedisCache
from tests.conftest import MakeMovieRec


@pytest.fixture
async def cache(settings: Settings) -> AsyncIterator[Cache]:
    backend: Cache
    if settings.redis_url:
        backend = RedisCache(settings.redis_url, settings.cache_prefix)
    else:
        backend = MemoryCache(100)
    yield backend
    await backend.clear()
    await backend.close()


async def test_a_missing_key_reads_as_none(cache: Cache) -> None:
    assert await cache.get("absent") is None


async def test_values_round_trip_as_json(cache: Cache) -> None:
    value = {"title": "Amélie", "ids": [1, 2, 3], "score": 0.5, "ok": True}
    await cache.set("k", value, ttl=60)
    assert await cache.get("k") == value


async def test_none_is_refused(cache: Cache) -> None:
    with pytest.raises(ValueError, match="None"):
        await cache.set("k", None)


async def test_delete_says_whether_the_key_existed(cache: Cache) -> None:
    await cache.set("k", 1)
    assert await cache.delete("k") is True
    assert await cache.delete("k") is False
    assert await cache.get("k") is None


async def test_add_only_stores_when_absent(cache: Cache) -> None:
    assert await cache.add("lock", "first", ttl=60) is True
    assert await cache.add("lock", "second", ttl=60) is False
    assert await cache.get("lock") == "first"


async def test_incr_counts_from_zero(cache: Cache) -> None:
    assert await cache.incr("n") == 1
    assert await cache.incr("n", 5) == 6
    assert await cache.get("n") == 6


async def test_entries_expire_after_their_ttl(cache: Cache) -> None:
    await cache.set("short", "v", ttl=0.05)
    await asyncio.sleep(0.12)
    assert await cache.get("short") is None


async def test_clear_removes_only_this_prefix(cache: Cache, settings: Settings) -> None:
    await cache.set("a", 1)
    await cache.set("b", 2)
    other: Cache | None = None
    if settings.redis_url:
        other = RedisCache(settings.redis_url, settings.cache_prefix.rstrip(":") + "-other:")
        await other.set("c", 3)
    assert await cache.clear() >= 2
    assert await cache.get("a") is None
    if other is not None:
        assert await other.get("c") == 3
        await other.clear()
        await other.close()


async def test_stats_count_hits_and_misses(cache: Cache) -> None:
    await cache.set("k", 1)
    await cache.get("k")
    await cache.get("missing")
    stats = await cache.stats()
    assert stats.entries == 1
    assert (stats.hits, stats.misses) == (1, 1)
    assert stats.hit_ratio == 0.5


async def test_ping_answers(cache: Cache) -> None:
    assert await cache.ping() is True


def test_memory_cache_evicts_the_least_recently_used() -> None:
    async def scenario() -> None:
        cache = MemoryCache(max_entries=2)
        await cache.set("a", 1)
        await cache.set("b", 2)
        await cache.get("a")  # a is now more recent than b
        await cache.set("c", 3)
        assert await cache.get("b") is None
        assert await cache.get("a") == 1
        assert await cache.get("c") == 3

    asyncio.run(scenario())


async def test_memory_cache_expiry_follows_its_clock() -> None:
    clock = ManualClock(1000.0)
    cache = MemoryCache(clock=clock)
    await cache.set("k", "v", ttl=10)
    clock.advance(9.9)
    assert await cache.get("k") == "v"
    clock.advance(0.2)
    assert await cache.get("k") is None


async def test_100_concurrent_misses_run_the_loader_once(mr: MovieRec) -> None:
    calls = 0

    async def load() -> list[int]:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)
        return [1, 2, 3]

    results = await asyncio.gather(
        *(mr.loader.get_or_load("hot", load, ttl=60) for _ in range(100))
    )
    assert calls == 1
    assert all(result.value == [1, 2, 3] for result in results)
    assert (await mr.loader.get_or_load("hot", load, ttl=60)).cached is True
    assert calls == 1


@pytest.mark.services_only
async def test_two_instances_sharing_redis_load_once(make_mr: MakeMovieRec) -> None:
    first, second = await make_mr(), await make_mr()
    calls = 0

    async def load() -> str:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.2)
        return "value"

    results = await asyncio.gather(
        *(
            mr.loader.get_or_load("shared", load, ttl=60)
            for mr in (first, second)
            for _ in range(50)
        )
    )
    assert calls == 1
    assert {result.value for result in results} == {"value"}


async def test_a_loader_error_reaches_every_waiter_and_is_not_cached(
    mr: MovieRec, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ten callers at once, the load fails: one load, ten errors, nothing cached.

    The load fails only once every caller has read the cache (and so found the load in
    flight): on Redis the reads are round trips, and a fixed sleep in the loader let a
    late read on a loaded machine start a second, legitimate, load.
    """
    calls = 0
    callers = 10
    reads = 0
    everyone_read = asyncio.Event()
    read = mr.loader.cache.get

    async def counted_read(key: str) -> object:
        nonlocal reads
        try:
            return await read(key)
        finally:
            reads += 1
            if reads >= callers:
                everyone_read.set()

    monkeypatch.setattr(mr.loader.cache, "get", counted_read)

    async def broken() -> str:
        nonlocal calls
        calls += 1
        await asyncio.wait_for(everyone_read.wait(), timeout=30)
        raise UpstreamUnavailable("down")

    results = await asyncio.gather(
        *(mr.loader.get_or_load("k", broken, ttl=60) for _ in range(callers)),
        return_exceptions=True,
    )
    assert all(isinstance(result, UpstreamUnavailable) for result in results)
    assert calls == 1
    with pytest.raises(UpstreamUnavailable):
        await mr.loader.get_or_load("k", broken, ttl=60)
    assert calls == 2


async def test_fresh_for_ttl_then_reloaded(mr: MovieRec) -> None:
    clock = ManualClock(10_000.0)
    loader = CachedLoader(mr.cache, clock)
    values = iter(["first", "second"])

    async def load() -> str:
        return next(values)

    assert (await loader.get_or_load("t", load, ttl=900, stale_ttl=3600)).value == "first"
    clock.advance(899)
    hit = await loader.get_or_load("t", load, ttl=900, stale_ttl=3600)
    assert (hit.value, hit.cached) == ("first", True)
    clock.advance(2)
    fresh = await loader.get_or_load("t", load, ttl=900, stale_ttl=3600)
    assert (fresh.value, fresh.cached, fresh.stale) == ("second", False, False)


async def test_a_stale_copy_is_served_when_the_upstream_fails(mr: MovieRec) -> None:
    clock = ManualClock(10_000.0)
    loader = CachedLoader(mr.cache, clock)

    async def good() -> str:
        return "last good"

    async def down() -> str:
        raise UpstreamUnavailable("TMDb is down")

    await loader.get_or_load("s", good, ttl=60, stale_ttl=3600)
    clock.advance(120)
    served = await loader.get_or_load("s", down, ttl=60, stale_ttl=3600)
    assert (served.value, served.cached, served.stale) == ("last good", True, True)
