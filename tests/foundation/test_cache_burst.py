"""The Redis cache under a burst of concurrent calls from one process."""

from __future__ import annotations

import asyncio

import pytest

from movierec import MovieRec

pytestmark = pytest.mark.services_only


async def test_a_burst_wider_than_the_connection_pool_waits_instead_of_failing_over(
    mr: MovieRec,
) -> None:
    await mr.cache.set("burst", {"v": 1})
    values = await asyncio.gather(*(mr.cache.get("burst") for _ in range(500)))
    assert values == [{"v": 1}] * 500
    assert mr.cache.distributed  # still on Redis: no failover to the in-process cache
