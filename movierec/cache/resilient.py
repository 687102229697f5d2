"""Keep answering when Redis goes away: fall back to in-process, recover by itself.

A :class:`ResilientCache` forwards to its primary (Redis). When the primary fails it
serves from an in-process :class:`~movierec.cache.MemoryCache` and leaves the primary
alone for ``retry_after`` seconds, so a dead Redis costs one failed call per interval,
not one per request (a :class:`~movierec.cache.breaker.Breaker`). The first success
after that switches back. ``/ready`` reports
the degraded state through :meth:`ping`.

Deletes made during an outage (an invalidation, a single-flight lock released) are
remembered and replayed on Redis when it comes back: otherwise Redis would go on serving
what this process already threw away, or keep a lock nobody holds until it expires.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from movierec.cache.base import Cache, CacheStats
from movierec.cache.breaker import Breaker
from movierec.errors import ServiceUnavailable

__all__ = ["ResilientCache"]

T = TypeVar("T")
MAX_MISSED_DELETES = 10_000
logger = logging.getLogger("movierec.cache")


class ResilientCache:
    """A distributed cache with an in-process fallback for outages."""

    def __init__(self, primary: Cache, fallback: Cache, *, retry_after: float = 2.0) -> None:
        self.primary = primary
        self.fallback = fallback
        self.backend = primary.backend
        self.breaker = Breaker(retry_after)
        """Probes of the shared backend while it is down (``retry_after`` seconds apart)."""
        self.failovers = 0
        self._missed_deletes: set[str] = set()

    @property
    def distributed(self) -> bool:
        """True while the shared backend is in use (single-flight locks only make sense then)."""
        return not self.breaker.open and self.primary.distributed

    @property
    def degraded(self) -> bool:
        """True while serving from the in-process fallback."""
        return self.breaker.open

    async def _call(
        self, primary: Callable[[], Awaitable[T]], fallback: Callable[[], Awaitable[T]]
    ) -> T:
        if not self.breaker.allow():
            return await fallback()
        try:
            result = await primary()
        except ServiceUnavailable as exc:
            if self.breaker.failure():
                self.failovers += 1
                logger.warning("cache backend unavailable, serving uncached/in-process: %s", exc)
            return await fallback()
        down_for = self.breaker.success()
        if down_for is not None:
            logger.warning("cache backend recovered after %.1fs", down_for)
            await self.fallback.clear()
            await self._replay_deletes()
        return result

    async def _replay_deletes(self) -> None:
        missed, self._missed_deletes = self._missed_deletes, set()
        for key in missed:
            try:
                await self.primary.delete(key)
            except ServiceUnavailable:
                self._missed_deletes.update(missed)  # down again: keep them for next time
                return

    async def get(self, key: str) -> Any | None:
        """The value under ``key``, or ``None``."""
        return await self._call(lambda: self.primary.get(key), lambda: self.fallback.get(key))

    async def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        """Store ``value`` for ``ttl`` seconds."""
        await self._call(
            lambda: self.primary.set(key, value, ttl), lambda: self.fallback.set(key, value, ttl)
        )

    async def add(self, key: str, value: Any, ttl: float | None = None) -> bool:
        """Store only if absent."""
        return await self._call(
            lambda: self.primary.add(key, value, ttl), lambda: self.fallback.add(key, value, ttl)
        )

    async def delete(self, key: str) -> bool:
        """Remove ``key`` (from Redis too once it is back, if it is down now)."""

        async def fallback() -> bool:
            if len(self._missed_deletes) < MAX_MISSED_DELETES:
                self._missed_deletes.add(key)
            return await self.fallback.delete(key)

        return await self._call(lambda: self.primary.delete(key), fallback)

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        """Increment a counter."""
        return await self._call(
            lambda: self.primary.incr(key, amount, ttl),
            lambda: self.fallback.incr(key, amount, ttl),
        )

    async def clear(self) -> int:
        """Clear both layers."""
        cleared = await self.fallback.clear()
        return cleared + await self._call(self.primary.clear, _zero)

    async def stats(self) -> CacheStats:
        """The primary's stats, or the fallback's (marked degraded) during an outage."""
        stats = await self._call(self.primary.stats, self.fallback.stats)
        details = {**stats.details, "degraded": self.degraded, "failovers": self.failovers}
        return CacheStats(self.backend, stats.entries, stats.hits, stats.misses, details)

    async def ping(self) -> bool:
        """Whether the shared backend answers (False means degraded, still serving)."""
        ok = await self.primary.ping()
        if ok and self.breaker.open:
            self.breaker.probe_now()  # let the next call switch back at once
        return ok

    async def close(self) -> None:
        """Close both layers."""
        await self.fallback.close()
        await self.primary.close()


async def _zero() -> int:
    return 0
