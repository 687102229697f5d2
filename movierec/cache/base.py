"""The cache contract shared by the in-process and Redis backends."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

__all__ = ["Cache", "CacheStats"]


@dataclass(frozen=True, slots=True)
class CacheStats:
    """What a cache backend can say about itself."""

    backend: str
    entries: int
    hits: int
    misses: int
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def hit_ratio(self) -> float:
        """Hits over lookups, 0.0 when nothing was looked up yet."""
        total = self.hits + self.misses
        return self.hits / total if total else 0.0


@runtime_checkable
class Cache(Protocol):
    """A key-value store of JSON-able values with per-key lifetimes.

    ``None`` is never stored: :meth:`get` returns ``None`` for a miss. Keys are given
    without the configured prefix; the backend adds it.
    """

    backend: str

    @property
    def distributed(self) -> bool:
        """True when several processes share this cache (cross-process locks apply)."""
        ...

    async def get(self, key: str) -> Any | None:
        """The value under ``key``, or ``None`` if absent or expired."""
        ...

    async def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        """Store ``value`` for ``ttl`` seconds (forever when ``None``)."""
        ...

    async def add(self, key: str, value: Any, ttl: float | None = None) -> bool:
        """Store only if absent; True when stored. Used for locks and deduplication."""
        ...

    async def delete(self, key: str) -> bool:
        """Remove ``key``; True if it existed."""
        ...

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        """Add ``amount`` to an integer counter (created at 0); ``ttl`` set on creation."""
        ...

    async def clear(self) -> int:
        """Remove every key under this cache's prefix; returns how many."""
        ...

    async def stats(self) -> CacheStats:
        """Entry count and hit/miss counters."""
        ...

    async def ping(self) -> bool:
        """True when the backend answers."""
        ...

    async def close(self) -> None:
        """Release connections (idempotent)."""
        ...
