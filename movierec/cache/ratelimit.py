"""Rate limits (in memory, or in Redis shared by every worker): one round trip per hit.

The algorithm is a *sliding window counter* (as Cloudflare and ``limits`` call it): a
key keeps the count of the current fixed window and of the previous one, and a hit is
allowed while ``previous * (share of the previous window still inside the sliding
window) + current + cost <= limit``. On Redis the whole decision (read, decide, count,
expire) is one Lua script (:mod:`movierec.cache.window`) on one hash key, timed by the
Redis server's clock, so every worker and host shares one count and one clock. The
``limits`` library's moving window costs two scripts per request (``hit`` then
``get_window_stats``) and a list of up to ``limit`` timestamps per key: it is kept for
:meth:`RateLimiter.acquire` only (outbound calls, which must never exceed TMDb's limit).

Error bound, documented in docs/security.md: every fixed window admits at most
``limit``; a sliding interval of one period admits fewer than ``2 * limit`` in the
worst case (the whole previous window's hits at its very end), and exactly the moving
window's figure when the previous window's hits were spread evenly.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Protocol

from limits import RateLimitItem, RateLimitItemPerSecond, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from redis import asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from movierec.cache.window import SLIDING_WINDOW_LUA, Window, WindowCounts
from movierec.errors import InvalidInput, RateLimited

__all__ = ["RateDecision", "RateLimiter", "parse_rate"]

logger = logging.getLogger("movierec.ratelimit")


def parse_rate(rate: str) -> RateLimitItem:
    """Parse ``"40/second"``-style rates, with a clear error."""
    try:
        return parse(rate)
    except ValueError:
        raise InvalidInput(f"not a rate limit: {rate!r} (expected e.g. '60/minute')") from None


@dataclass(frozen=True, slots=True)
class RateDecision:
    """The outcome of one hit: allowed or not, and the numbers for the headers.

    ``reset_after`` is the time until the current window rolls over; ``retry_after``
    (refused hits only) the time until the same hit would be allowed.
    """

    allowed: bool
    limit: int
    remaining: int
    reset_after: float
    retry_after: float = 0.0

    def raise_if_denied(self, what: str = "requests") -> None:
        """Raise :class:`RateLimited` when the hit was refused."""
        if not self.allowed:
            wait = self.retry_after or self.reset_after
            raise RateLimited(
                f"too many {what}; retry in {wait:.0f}s",
                retry_after=wait,
                details={"limit": self.limit},
            )


class WindowStore(Protocol):
    """Where the window counts live; :meth:`hit` decides and counts atomically."""

    async def hit(self, key: str, limit: int, period_ms: int, cost: int) -> Window:
        """Count ``cost`` against ``key`` if it fits; the decision and the numbers."""
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

    async def hit(self, key: str, limit: int, period_ms: int, cost: int) -> Window:
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

    async def hit(self, key: str, limit: int, period_ms: int, cost: int) -> Window:
        """Decide and count in one script, on the Redis server's clock."""
        reply = await self._script(keys=[self.prefix + key], args=[limit, period_ms, cost])
        allowed, remaining, reset_ms, retry_ms = (int(x) for x in reply)
        return Window(bool(allowed), remaining, reset_ms, retry_ms)

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

    async def hit(self, key: str, limit: int, period_ms: int, cost: int) -> Window:
        """Decide and count; then read the window's figures."""
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


class RateLimiter:
    """Rate limits keyed by any string: sliding window counters, exact for ``acquire``.

    With a shared (Redis) store, an outage falls back to counting in this process
    (``degraded``) instead of failing requests; the shared store is tried again after
    ``retry_after`` seconds.
    """

    def __init__(
        self,
        store: WindowStore,
        exact: WindowStore | None = None,
        *,
        retry_after: float = 2.0,
    ) -> None:
        self.store = store
        self.exact = exact or MovingWindows(MemoryStorage())
        self._fallback: MemoryWindows | None = None
        self._exact_fallback: WindowStore | None = None
        if not isinstance(store, MemoryWindows):
            self._fallback = MemoryWindows()
            self._exact_fallback = MovingWindows(MemoryStorage())
        self.retry_after = retry_after
        self._next_try = 0.0
        self.degraded = False

    async def _decide(
        self, key: str, limit: int, period_ms: int, cost: int, *, exact: bool = False
    ) -> Window:
        primary, fallback = (
            (self.exact, self._exact_fallback)
            if exact
            else (
                self.store,
                self._fallback,
            )
        )
        store: WindowStore = primary
        if fallback is not None and self.degraded:
            now = time.monotonic()
            if now < self._next_try:
                store = fallback
            else:
                # One probe per interval: calls made while it is pending keep counting here,
                # so a Redis that hangs (rather than refuses) stalls one request, not all.
                self._next_try = now + self.retry_after
        try:
            window = await store.hit(key, limit, period_ms, cost)
        except Exception as exc:
            if fallback is None or store is fallback:
                raise
            if not self.degraded:
                logger.warning("rate-limit storage unavailable, counting in-process: %s", exc)
            self.degraded = True
            self._next_try = time.monotonic() + self.retry_after
            return await fallback.hit(key, limit, period_ms, cost)
        if store is primary and self.degraded:
            logger.warning("rate-limit storage recovered")
            self.degraded = False
        return window

    @classmethod
    def in_memory(cls) -> RateLimiter:
        """Limits counted in this process only."""
        return cls(MemoryWindows())

    @classmethod
    def on_redis(cls, url: str, prefix: str, *, timeout: float = 2.0) -> RateLimiter:
        """Limits shared through Redis by every process using the same prefix."""
        uri = "async+" + url if not url.startswith("async+") else url
        exact = RedisStorage(
            uri,
            implementation="redispy",
            key_prefix=prefix + "rl",
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
        )
        return cls(RedisWindows(url, prefix + "rl:", timeout=timeout), MovingWindows(exact))

    async def hit(
        self, key: str, rate: str | RateLimitItem, cost: int = 1, *, exact: bool = False
    ) -> RateDecision:
        """Count one hit against ``rate`` for ``key`` (one round trip unless ``exact``)."""
        item = parse_rate(rate) if isinstance(rate, str) else rate
        period_ms = int(item.get_expiry() * 1000)
        window = await self._decide(key, item.amount, period_ms, cost, exact=exact)
        return RateDecision(
            window.allowed,
            item.amount,
            max(0, window.remaining),
            window.reset_ms / 1000,
            0.0 if window.allowed else window.retry_ms / 1000,
        )

    async def acquire(self, key: str, rate: str | RateLimitItem, max_wait: float = 30.0) -> float:
        """Wait until an exact moving-window hit is allowed; returns the seconds waited.

        Raises :class:`RateLimited` if that would take longer than ``max_wait``.
        """
        waited = 0.0
        while True:
            decision = await self.hit(key, rate, exact=True)
            if decision.allowed:
                return waited
            pause = min(max(decision.retry_after, 0.005), 1.0)
            if waited + pause > max_wait:
                decision.raise_if_denied("outbound calls")
            await asyncio.sleep(pause)
            waited += pause

    async def reset(self) -> None:
        """Forget every counter (tests, admin)."""
        for store in (self.store, self.exact, self._fallback, self._exact_fallback):
            if store is not None:
                await store.reset()

    async def close(self) -> None:
        """Release the stores' connections."""
        await self.store.close()
        await self.exact.close()
