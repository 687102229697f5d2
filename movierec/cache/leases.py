"""Tokens a worker has already counted in the shared window and may spend without asking.

For large limits, a round trip per request buys nothing: the worker counts a *batch* of
hits in one script call (``limit // 100`` of them, at most 64) and spends the rest
locally until the current window rolls or a second passes. The error is one-sided: a
worker never admits a hit it has not counted, so no more than the limit passes; what it
holds unspent (fewer than ``batch`` per key and worker, at most 1% of the limit) can make
another worker refuse early. Limits of 100 or less per period are counted hit by hit.
While a worker counts a key's batch, its other hits of that key wait for that batch
(:class:`~movierec.cache.RateLimiter`) instead of each counting one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

__all__ = ["Leases", "batch_for"]

MAX_BATCH = 64
LEASE_SECONDS = 1.0


def batch_for(limit: int) -> int:
    """How many hits one round trip counts for ``limit`` (1 for limits of 100 or less)."""
    return max(1, min(MAX_BATCH, limit // 100))


@dataclass(slots=True)
class _Lease:
    tokens: int
    remaining: int
    expires: float


class Leases:
    """Unspent counted tokens per key, in this process."""

    def __init__(self, max_keys: int = 10_000) -> None:
        self._leases: dict[str, _Lease] = {}
        self._max = max_keys

    def take(self, key: str) -> tuple[int, float] | None:
        """Spend one token of ``key``'s lease: (remaining, seconds left), or ``None``."""
        lease = self._leases.get(key)
        if lease is None:
            return None
        now = time.monotonic()
        if lease.tokens <= 0 or now >= lease.expires:
            del self._leases[key]
            return None
        lease.tokens -= 1
        return lease.remaining + lease.tokens, lease.expires - now

    def grant(self, key: str, tokens: int, remaining: int, reset_seconds: float) -> None:
        """Keep ``tokens`` counted hits of ``key`` until its window rolls (or a second)."""
        if tokens <= 0:
            return
        if key not in self._leases and len(self._leases) >= self._max:
            self._leases.pop(next(iter(self._leases)))
        expires = time.monotonic() + min(LEASE_SECONDS, reset_seconds)
        self._leases[key] = _Lease(tokens, remaining, expires)

    def clear(self) -> None:
        """Forget every lease."""
        self._leases.clear()
