"""Rate limits on the cache backend (in memory, or Redis shared by every worker).

Built on the ``limits`` library's async moving-window limiter.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

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
    """Moving-window rate limits keyed by any string.

    With a shared (Redis) storage, an outage falls back to counting in this process
    (``degraded``) instead of failing requests; the shared storage is tried again after
    ``retry_after`` seconds.
    """

    def __init__(self, storage: Storage, *, retry_after: float = 2.0) -> None:
        self.storage = storage
        self._strategy = MovingWindowRateLimiter(storage)
        self._fallback: MovingWindowRateLimiter | None = None
        if not isinstance(storage, MemoryStorage):
            self._fallback = MovingWindowRateLimiter(MemoryStorage())
        self.retry_after = retry_after
        self._next_try = 0.0
        self.degraded = False

    async def _decide(self, item: RateLimitItem, key: str, cost: int) -> tuple[bool, float, int]:
        strategy = self._strategy
        if self._fallback is not None and self.degraded:
            now = time.monotonic()
            if now < self._next_try:
                strategy = self._fallback
            else:
                # One probe per interval: calls made while it is pending keep counting here,
                # so a Redis that hangs (rather than refuses) stalls one request, not all.
                self._next_try = now + self.retry_after
        try:
            allowed = await strategy.hit(item, key, cost=cost)
            stats = await strategy.get_window_stats(item, key)
        except Exception as exc:
            if self._fallback is None or strategy is self._fallback:
                raise
            if not self.degraded:
                logger.warning("rate-limit storage unavailable, counting in-process: %s", exc)
            self.degraded = True
            self._next_try = time.monotonic() + self.retry_after
            allowed = await self._fallback.hit(item, key, cost=cost)
            stats = await self._fallback.get_window_stats(item, key)
        else:
            if strategy is self._strategy and self.degraded:
                logger.warning("rate-limit storage recovered")
                self.degraded = False
        return allowed, stats.reset_time, stats.remaining

    @classmethod
    def in_memory(cls) -> RateLimiter:
        """Limits counted in this process only."""
        return cls(MemoryStorage())

    @classmethod
    def on_redis(cls, url: str, prefix: str, *, timeout: float = 2.0) -> RateLimiter:
        """Limits shared through Redis by every process using the same prefix."""
        uri = "async+" + url if not url.startswith("async+") else url
        storage = RedisStorage(
            uri,
            implementation="redispy",
            key_prefix=prefix + "rl",
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
        )
        return cls(storage)

    async def hit(self, key: str, rate: str | RateLimitItem, cost: int = 1) -> RateDecision:
        """Count one hit against ``rate`` for ``key``."""
        item = parse_rate(rate) if isinstance(rate, str) else rate
        allowed, reset_time, remaining = await self._decide(item, key, cost)
        reset_after = max(0.0, reset_time - time.time())
        return RateDecision(allowed, item.amount, max(0, remaining), reset_after)

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
