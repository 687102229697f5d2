"""Cache pre-warming: reloading entries shortly before they expire."""

from __future__ import annotations

from typing import Any

from movierec import ManualClock, UpstreamError


async def test_refresh_ahead_reloads_an_entry_close_to_expiry(make_mr: Any) -> None:
    clock = ManualClock(1_000_000.0)
    mr = await make_mr(clock=clock)
    calls = []

    async def load() -> int:
        calls.append(1)
        return len(calls)

    await mr.loader.get_or_load("k", load, ttl=600)
    clock.advance(500)  # 100 s of freshness left
    assert (await mr.loader.get_or_load("k", load, ttl=600)).value == 1
    with mr.loader.refresh_ahead(120):
        reloaded = await mr.loader.get_or_load("k", load, ttl=600)
    assert (reloaded.value, reloaded.cached) == (2, False)
    clock.advance(550)  # past the first expiry, inside the reloaded one
    assert (await mr.loader.get_or_load("k", load, ttl=600)).value == 2


async def test_refresh_ahead_leaves_entries_with_time_left_alone(make_mr: Any) -> None:
    clock = ManualClock(1_000_000.0)
    mr = await make_mr(clock=clock)

    async def load() -> str:
        return "fresh"

    await mr.loader.get_or_load("k", load, ttl=600)
    with mr.loader.refresh_ahead(120):
        assert (await mr.loader.get_or_load("k", load, ttl=600)).cached is True


async def test_a_failed_refresh_ahead_keeps_serving_the_current_copy(make_mr: Any) -> None:
    clock = ManualClock(1_000_000.0)
    mr = await make_mr(clock=clock)

    async def good() -> str:
        return "v1"

    async def broken() -> str:
        raise UpstreamError("TMDb is down")

    await mr.loader.get_or_load("k", good, ttl=600)
    clock.advance(550)
    with mr.loader.refresh_ahead(120):
        kept = await mr.loader.get_or_load("k", broken, ttl=600, stale_ttl=60)
    assert kept.value == "v1"
    assert (await mr.loader.get_or_load("k", broken, ttl=600)).value == "v1"
