"""Where rate-limit counts live: in this process, in Redis (one script), or exact.

:class:`MemoryWindows` and :class:`RedisWindows` run the sliding window counter of
:mod:`movierec.cache.window`; :class:`MovingWindows` is the ``limits`` library's exact
moving window, kept for outbound calls (:meth:`RateLimiter.acquire`).
"""

from __future__ import annotations

import time
from typing import Protocol

from limits import RateLimitItemPerSecond
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from redis import asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from movierec.cache.window import (
    SLIDING_WINDOW_LUA,
    SLIDING_WINDOW_READ_LUA,
    Companion,
    Window,
    WindowCounts,
)

__all__ = ["MemoryWindows", "MovingWindows", "RedisWindows", "WindowStore"]


class WindowStore(Protocol):
    """Where the window counts live; :meth:`hit` decides and counts atomically."""

    async def hit(
        self, key: str, limit: int, period_ms: int, cost: int, companion: Companion | None = None
    ) -> Window:
        """Count ``cost`` against ``key`` if it fits; the decision and the numbers.

        A store that shares its counts reads ``companion`` in the same round trip
        (:attr:`Window.companion`); the others ignore it.
        """
        ...

    async def reset(self) -> None:
        """Forget every count."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


class MemoryWindows:
    """Window counts in this process (embedded mode, and the fallback during outages)."""

    SWEEP_EVERY = 4096

    def __init__(self) -> None:
        self._counts: dict[str, WindowCounts] = {}
        self._hits = 0

    async def hit(
        self, key: str, limit: int, period_ms: int, cost: int, companion: Companion | None = None
    ) -> Window:
        """Decide and count (no await inside: atomic on the event loop)."""
        now_ms = int(time.time() * 1000)
        self._hits += 1
        if self._hits % self.SWEEP_EVERY == 0:
            self._sweep(now_ms)
        counts = self._counts.get(key) or WindowCounts()
        window, self._counts[key] = counts.hit(now_ms, limit, period_ms, cost)
        return window

    def _sweep(self, now_ms: int) -> None:
        for key in [k for k, c in self._counts.items() if c.expired(now_ms)]:
            del self._counts[key]

    async def reset(self) -> None:
        """Forget every count."""
        self._counts.clear()

    async def close(self) -> None:
        """Nothing to release."""


class RedisWindows:
    """Window counts in Redis under ``prefix``: one ``EVALSHA`` per hit."""

    def __init__(self, url: str, prefix: str, *, timeout: float = 2.0) -> None:
        self.prefix = prefix
        # No retries: a limiter call must stay bounded; a failure switches to counting
        # in-process (RateLimiter) rather than holding the request.
        self.client: aioredis.Redis = aioredis.Redis.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 0),
            health_check_interval=30,
        )
        self._script = self.client.register_script(SLIDING_WINDOW_LUA)
        self._read_script = self.client.register_script(SLIDING_WINDOW_READ_LUA)

    async def hit(
        self, key: str, limit: int, period_ms: int, cost: int, companion: Companion | None = None
    ) -> Window:
        """Decide and count in one script, on the Redis server's clock (reading
        ``companion`` in the same script)."""
        if companion is None:
            reply = await self._script(keys=[self.prefix + key], args=[limit, period_ms, cost])
            allowed, remaining, reset_ms, retry_ms = (int(x) for x in reply)
            return Window(bool(allowed), remaining, reset_ms, retry_ms)
        reply = await self._read_script(
            keys=[self.prefix + key, companion.key],
            args=[limit, period_ms, cost, companion.fresh(), companion.ttl_ms],
        )
        allowed, remaining, reset_ms, retry_ms = (int(x) for x in reply[:4])
        return Window(bool(allowed), remaining, reset_ms, retry_ms, bytes(reply[4]))

    async def reset(self) -> None:
        """Delete every count under the prefix (SCAN, never KEYS)."""
        batch: list[bytes] = []
        async for key in self.client.scan_iter(match=self.prefix + "*", count=500):
            batch.append(key)
        if batch:
            await self.client.delete(*batch)

    async def close(self) -> None:
        """Close the connection pool."""
        await self.client.aclose()


class MovingWindows:
    """An exact moving window (the ``limits`` library): for :meth:`RateLimiter.acquire`.

    Outbound calls to a service that enforces its own limit (TMDb) must never exceed it,
    so they pay the exact algorithm's two round trips and its timestamp list; those
    calls are cache misses that go on to make an HTTP request anyway.
    """

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._strategy = MovingWindowRateLimiter(storage)

    async def hit(
        self, key: str, limit: int, period_ms: int, cost: int, companion: Companion | None = None
    ) -> Window:
        """Decide and count; then read the window's figures (``companion`` is not read)."""
        item = RateLimitItemPerSecond(limit, max(1, period_ms // 1000))
        allowed = await self._strategy.hit(item, key, cost=cost)
        stats = await self._strategy.get_window_stats(item, key)
        reset_ms = max(0, int((stats.reset_time - time.time()) * 1000))
        return Window(allowed, stats.remaining, reset_ms, 0 if allowed else reset_ms)

    async def reset(self) -> None:
        """Forget every count."""
        await self.storage.reset()

    async def close(self) -> None:
        """Release the storage's connections."""
        closer = getattr(self.storage, "close", None)
        if closer is not None:
            await closer()
