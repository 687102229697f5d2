"""In-process cache: TTL per key, bounded size, least-recently-used eviction."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from movierec.cache.base import CacheStats
from movierec.clock import Clock, SystemClock

__all__ = ["MemoryCache"]

_FOREVER = float("inf")


class MemoryCache:
    """The embedded default cache. Not shared between processes.

    Time comes from ``clock`` so tests can expire entries without sleeping.
    """

    backend = "memory"
    distributed = False

    def __init__(self, max_entries: int = 10_000, clock: Clock | None = None) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._max = max_entries
        self._clock = clock or SystemClock()
        self._data: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._hits = 0
        self._misses = 0
        self._evictions = 0

    def _expiry(self, ttl: float | None) -> float:
        return _FOREVER if ttl is None else self._clock.now() + ttl

    def _live(self, key: str) -> tuple[float, Any] | None:
        entry = self._data.get(key)
        if entry is None:
            return None
        if entry[0] <= self._clock.now():
            del self._data[key]
            return None
        return entry

    def _store(self, key: str, value: Any, ttl: float | None) -> None:
        self._data[key] = (self._expiry(ttl), value)
        self._data.move_to_end(key)
        while len(self._data) > self._max:
            self._data.popitem(last=False)
            self._evictions += 1

    async def get(self, key: str) -> Any | None:
        """The value under ``key``, or ``None``."""
        entry = self._live(key)
        if entry is None:
            self._misses += 1
            return None
        self._hits += 1
        self._data.move_to_end(key)
        return entry[1]

    async def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        """Store ``value`` for ``ttl`` seconds."""
        if value is None:
            raise ValueError("None cannot be cached")
        self._store(key, value, ttl)

    async def add(self, key: str, value: Any, ttl: float | None = None) -> bool:
        """Store only if absent."""
        if self._live(key) is not None:
            return False
        self._store(key, value, ttl)
        return True

    async def delete(self, key: str) -> bool:
        """Remove ``key``."""
        return self._data.pop(key, None) is not None

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        """Increment a counter, creating it with ``ttl``."""
        entry = self._live(key)
        if entry is None:
            self._store(key, amount, ttl)
            return amount
        value = int(entry[1]) + amount
        self._data[key] = (entry[0], value)
        return value

    async def clear(self) -> int:
        """Drop everything."""
        count = len(self._data)
        self._data.clear()
        return count

    async def stats(self) -> CacheStats:
        """Counters since start-up."""
        now = self._clock.now()
        live = sum(1 for expiry, _ in self._data.values() if expiry > now)
        return CacheStats(
            backend=self.backend,
            entries=live,
            hits=self._hits,
            misses=self._misses,
            details={"max_entries": self._max, "evictions": self._evictions},
        )

    async def ping(self) -> bool:
        """Always reachable."""
        return True

    async def close(self) -> None:
        """Nothing to release."""
