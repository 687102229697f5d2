"""The coordination store: counters and short-lived flags under their own namespace.

It deliberately has no ``clear``: nothing that manages the cache can reach it, and the
Redis keys sit under a prefix the cache's ``clear`` (``SCAN <cache_prefix>*``) never
matches (``Settings`` refuses overlapping prefixes).

While Redis is unreachable it counts in this process (each worker keeps its own
counters, so a lockout allowance is per worker for the length of the outage) and goes
back to Redis by itself once Redis answers again. Nothing here can revive a revoked
token: revocation lives in the database.
"""

from __future__ import annotations

from typing import Any

from movierec.cache.memory import MemoryCache
from movierec.cache.redis import RedisCache
from movierec.cache.resilient import ResilientCache
from movierec.clock import Clock

__all__ = ["CoordinationStore"]

MAX_LOCAL_ENTRIES = 100_000


class CoordinationStore:
    """Get, set, delete and atomically count keys shared by every worker."""

    def __init__(self, backend: ResilientCache | MemoryCache, prefix: str) -> None:
        self._backend = backend
        self.prefix = prefix

    @classmethod
    def in_memory(cls, clock: Clock | None = None) -> CoordinationStore:
        """Counters kept in this process only (the embedded setup)."""
        return cls(MemoryCache(MAX_LOCAL_ENTRIES, clock=clock), prefix="")

    @classmethod
    def on_redis(cls, url: str, prefix: str, clock: Clock | None = None) -> CoordinationStore:
        """Counters shared through Redis under ``prefix``, in-process during an outage."""
        local = MemoryCache(MAX_LOCAL_ENTRIES, clock=clock)
        return cls(ResilientCache(RedisCache(url, prefix), local), prefix=prefix)

    @property
    def backend(self) -> str:
        """``redis`` or ``memory``."""
        return self._backend.backend

    @property
    def shared(self) -> RedisCache | None:
        """The Redis store itself, without the in-process fallback (``None`` without Redis).

        For values that are only worth anything when every worker sees the same one
        (:class:`~movierec.accounts.stamps.UserStamps`): a per-process copy would lie.
        """
        if isinstance(self._backend, ResilientCache) and isinstance(
            self._backend.primary, RedisCache
        ):
            return self._backend.primary
        return None

    @property
    def degraded(self) -> bool:
        """True while Redis is configured but unreachable (counting in-process)."""
        return isinstance(self._backend, ResilientCache) and self._backend.degraded

    async def get(self, key: str) -> Any | None:
        """The value under ``key``, or ``None``."""
        return await self._backend.get(key)

    async def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        """Store ``value`` for ``ttl`` seconds."""
        await self._backend.set(key, value, ttl)

    async def add(self, key: str, value: Any, ttl: float | None = None) -> bool:
        """Store only if absent (atomic); True when stored."""
        return await self._backend.add(key, value, ttl)

    async def delete(self, key: str) -> bool:
        """Remove ``key``; True if it existed."""
        return await self._backend.delete(key)

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        """Add ``amount`` atomically (created at 0, ``ttl`` set on creation); the new value."""
        return await self._backend.incr(key, amount, ttl)

    async def ping(self) -> bool:
        """True when the backend answers."""
        return await self._backend.ping()

    async def close(self) -> None:
        """Release connections (idempotent)."""
        await self._backend.close()
