"""Rate limits on the cache backend (in memory, or Redis shared by every worker).

Built on the ``limits`` library's async moving-window limiter.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from movierec.errors import InvalidInput, RateLimited

__all__ = ["RateDecision", "RateLimiter", "parse_rate"]


def parse_rate(rate: str) -> RateLimitItem:
    """Parse ``"40/second"``-style rates, with a clear error."""
    try:
        return parse(rate)
    except ValueError:
        raise InvalidInput(f"not a rate limit: {rate!r} (expected e.g. '60/minute')") from None


@dataclass(frozen=True, slots=True)
class RateDecision:
    """The outcome of one hit: allowed or not, and the numbers for the headers."""

    allowed: bool
    limit: int
    remaining: int
    reset_after: float

    def raise_if_denied(self, what: str = "requests") -> None:
        """Raise :class:`RateLimited` when the hit was refused."""
        if not self.allowed:
            raise RateLimited(
                f"too many {what}; retry in {self.reset_after:.0f}s",
                retry_after=self.reset_after,
                details={"limit": self.limit},
            )


class RateLimiter:
    """Moving-window rate limits keyed by any string."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._strategy = MovingWindowRateLimiter(storage)

    @classmethod
    def in_memory(cls) -> RateLimiter:
        """Limits counted in this process only."""
        return cls(MemoryStorage())

    @classmethod
    def on_redis(cls, url: str, prefix: str) -> RateLimiter:
        """Limits shared through Redis by every process using the same prefix."""
        uri = "async+" + url if not url.startswith("async+") else url
        return cls(RedisStorage(uri, implementation="redispy", key_prefix=prefix + "rl"))

    async def hit(self, key: str, rate: str | RateLimitItem, cost: int = 1) -> RateDecision:
        """Count one hit against ``rate`` for ``key``."""
        item = parse_rate(rate) if isinstance(rate, str) else rate
        allowed = await self._strategy.hit(item, key, cost=cost)
        stats = await self._strategy.get_window_stats(item, key)
        reset_after = max(0.0, stats.reset_time - time.time())
        return RateDecision(allowed, item.amount, max(0, stats.remaining), reset_after)

    async def acquire(self, key: str, rate: str | RateLimitItem, max_wait: float = 30.0) -> float:
        """Wait until a hit is allowed; returns the seconds waited.

        Raises :class:`RateLimited` if that would take longer than ``max_wait``.
        """
        waited = 0.0
        while True:
            decision = await self.hit(key, rate)
            if decision.allowed:
                return waited
            pause = min(max(decision.reset_after, 0.005), 1.0)
            if waited + pause > max_wait:
                decision.raise_if_denied("outbound calls")
            await asyncio.sleep(pause)
            waited += pause

    async def reset(self) -> None:
        """Forget every counter (tests, admin)."""
        await self.storage.reset()

    async def close(self) -> None:
        """Release the storage's connections."""
        closer = getattr(self.storage, "close", None)
        if closer is not None:
            await closer()
