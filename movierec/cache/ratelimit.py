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
window's figure when the previous window's hits were spread evenly. Limits above 100 per
period count hits in batches (:mod:`movierec.cache.leases`): one round trip per batch.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage

from movierec.cache.breaker import Breaker
from movierec.cache.counters import MemoryWindows, MovingWindows, RedisWindows, WindowStore
from movierec.cache.leases import Leases, batch_for
from movierec.cache.window import Companion, Window
from movierec.errors import InvalidInput, RateLimited

__all__ = ["RateDecision", "RateLimiter", "parse_rate"]

logger = logging.getLogger("movierec.ratelimit")
CHECK_TIMEOUT = 1.0
"""Seconds :meth:`RateLimiter.check` waits for a decision before letting a request through."""
CHECK_PAUSE = 5.0
"""Seconds :meth:`RateLimiter.check` leaves a failed limiter alone (one probe per interval)."""


@functools.lru_cache(maxsize=256)
def parse_rate(rate: str) -> RateLimitItem:
    """Parse ``"40/second"``-style rates, with a clear error."""
    try:
        return parse(rate)
    except ValueError:
        raise InvalidInput(f"not a rate limit: {rate!r} (expected e.g. '60/minute')") from None


@dataclass(frozen=True, slots=True)
class _Terms:
    """A rate's numbers as a hit uses them, worked out once per rate."""

    limit: int
    period_ms: int
    batch: int
    """Hits one round trip counts when the limit is shared (:func:`batch_for`)."""


@functools.lru_cache(maxsize=256)
def _terms_of(rate: str) -> _Terms:
    return _terms_of_item(parse_rate(rate))


def _terms_of_item(item: RateLimitItem) -> _Terms:
    return _Terms(item.amount, int(item.get_expiry() * 1000), batch_for(item.amount))


def _terms(rate: str | RateLimitItem) -> _Terms:
    return _terms_of(rate) if isinstance(rate, str) else _terms_of_item(rate)


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
    companion: bytes | None = None
    """The value of the :class:`~movierec.cache.window.Companion` asked for, when this
    decision's round trip read it (``None``: not read; read it yourself)."""

    def raise_if_denied(self, what: str = "requests") -> None:
        """Raise :class:`RateLimited` when the hit was refused."""
        if not self.allowed:
            wait = self.retry_after or self.reset_after
            raise RateLimited(
                f"too many {what}; retry in {wait:.0f}s",
                retry_after=wait,
                details={"limit": self.limit},
            )


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
        self.breaker = Breaker(retry_after)
        """Probes of the shared backend while it is down (``retry_after`` seconds apart)."""
        self._check_breaker = Breaker(CHECK_PAUSE)
        self._leases = Leases() if self._fallback is not None else None
        self._refills: dict[str, asyncio.Future[None]] = {}
        """Keys whose batch is being counted now: other hits wait for it, not count theirs."""

    @property
    def degraded(self) -> bool:
        """True while counting in this process because the shared store failed."""
        return self.breaker.open

    async def _decide(
        self,
        key: str,
        limit: int,
        period_ms: int,
        cost: int,
        *,
        exact: bool = False,
        companion: Companion | None = None,
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
        if fallback is not None and not self.breaker.allow():
            store = fallback
        try:
            if store is primary and companion is not None:
                window = await store.hit(key, limit, period_ms, cost, companion)
            else:
                window = await store.hit(key, limit, period_ms, cost)
        except Exception as exc:
            if fallback is None or store is fallback:
                raise
            if self.breaker.failure():
                logger.warning("rate-limit storage unavailable, counting in-process: %s", exc)
            return await fallback.hit(key, limit, period_ms, cost)
        if store is primary and self.breaker.success() is not None:
            logger.warning("rate-limit storage recovered")
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
        self,
        key: str,
        rate: str | RateLimitItem,
        cost: int = 1,
        *,
        exact: bool = False,
        companion: Companion | None = None,
    ) -> RateDecision:
        """Count one hit against ``rate`` for ``key`` (one round trip unless ``exact``).

        ``companion``: a key the shared store reads in that same round trip, when there
        is one (:attr:`RateDecision.companion`); a hit spent from a batch makes none.
        """
        terms = _terms(rate)
        limit, period_ms = terms.limit, terms.period_ms
        batch = terms.batch if self._leases is not None and cost == 1 and not exact else 1
        read: bytes | None = None
        if batch > 1:
            assert self._leases is not None
            spent = self._spend_leased(key, terms)
            while spent is None and key in self._refills:
                # Concurrent hits of one key share one batch's round trip; without this,
                # every request in flight when a lease runs out would count a batch.
                await asyncio.shield(self._refills[key])
                spent = self._spend_leased(key, terms)
            if spent is not None:
                return spent
            refill = self._refills[key] = asyncio.get_running_loop().create_future()
            try:
                window = await self._decide(key, limit, period_ms, batch, companion=companion)
            finally:
                del self._refills[key]
                refill.set_result(None)
            if window.allowed:
                self._leases.grant(key, batch - 1, window.remaining, window.reset_ms / 1000)
                return RateDecision(
                    True,
                    limit,
                    window.remaining + batch - 1,
                    window.reset_ms / 1000,
                    companion=window.companion,
                )
            read = window.companion
            if read is not None:  # read once: the single hit below need not again
                companion = None
        window = await self._decide(key, limit, period_ms, cost, exact=exact, companion=companion)
        return RateDecision(
            window.allowed,
            limit,
            max(0, window.remaining),
            window.reset_ms / 1000,
            0.0 if window.allowed else window.retry_ms / 1000,
            window.companion if read is None else read,
        )

    def _spend_leased(self, key: str, terms: _Terms) -> RateDecision | None:
        """One hit of ``key`` spent from this worker's counted batch (no I/O), or ``None``
        (no batch held, or a limit counted hit by hit)."""
        if self._leases is None or terms.batch == 1:
            return None
        leased = self._leases.take(key)
        return None if leased is None else RateDecision(True, terms.limit, *leased)

    def spend(self, key: str, rate: str | RateLimitItem) -> RateDecision | None:
        """:meth:`check`'s answer when it needs no I/O (a hit spent from a batch this
        worker counted), else ``None``: then ask :meth:`check`.

        A request path calls this first, so the common hit costs neither a coroutine
        nor a timeout; ``None`` while :meth:`check` leaves a failed limiter alone.
        """
        if self._check_breaker.open:
            return None
        return self._spend_leased(key, _terms(rate))

    async def check(
        self, key: str, rate: str | RateLimitItem, companion: Companion | None = None
    ) -> RateDecision | None:
        """:meth:`hit` for a request path: bounded in time, ``None`` when it cannot answer.

        A store that fails or hangs past :data:`CHECK_TIMEOUT` seconds lets the request through
        unlimited (``None``), and is not asked again for :data:`CHECK_PAUSE` seconds but
        once (the same :class:`~movierec.cache.breaker.Breaker` rule as the cache): losing
        the limiter must neither take an API down nor slow every request. A hit spent
        from a batch this worker already counted makes no I/O, so it is not timed.
        """
        spent = self.spend(key, rate)
        if spent is not None:
            return spent
        if not self._check_breaker.allow():
            return None
        try:
            async with asyncio.timeout(CHECK_TIMEOUT):  # no task per call, unlike wait_for
                decision = await self.hit(key, rate, companion=companion)
        except Exception as exc:  # the limiter's backend is down or hanging
            if self._check_breaker.failure():
                logger.warning("rate limiter unavailable for %.0fs: %r", CHECK_PAUSE, exc)
            return None
        self._check_breaker.success()
        return decision

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
        if self._leases is not None:
            self._leases.clear()
        for store in (self.store, self.exact, self._fallback, self._exact_fallback):
            if store is not None:
                await store.reset()

    async def close(self) -> None:
        """Release the stores' connections."""
        await self.store.close()
        await self.exact.close()
