"""One probe per interval: how callers leave a failing backend alone and find it again.

A :class:`Breaker` is closed while its backend answers. The first failure opens it;
while open, :meth:`Breaker.allow` lets one call through every ``retry_after`` seconds
(the probe) and refuses the rest, which use a fallback instead. A backend that hangs
rather than refuses therefore stalls one call per interval, not every call. The first
success closes it again.

The in-process fallback of the cache (:class:`~movierec.cache.ResilientCache`), the rate
limiter's in-process counting, its bounded request-path check
(:meth:`~movierec.cache.RateLimiter.check`) and the users' stamps
(:class:`~movierec.accounts.stamps.UserStamps`) all keep this one rule.
"""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["Breaker"]


class Breaker:
    """Closed, or open since a failure and probing once every ``retry_after`` seconds."""

    def __init__(self, retry_after: float, *, now: Callable[[], float] = time.monotonic) -> None:
        self.retry_after = retry_after
        self._now = now
        self._down_since: float | None = None
        self._next_try = 0.0

    @property
    def open(self) -> bool:
        """True from a failure until the next success."""
        return self._down_since is not None

    def allow(self) -> bool:
        """Whether to call the backend now: always when closed, once an interval when open.

        A ``True`` while open is the probe: the next one is due ``retry_after`` seconds
        later, so calls made while it is pending are refused.
        """
        if self._down_since is None:
            return True
        now = self._now()
        if now < self._next_try:
            return False
        self._next_try = now + self.retry_after
        return True

    def failure(self) -> bool:
        """Record a failed call (the next probe is ``retry_after`` from now).

        Returns True when this failure opened the breaker (log it once, count it once).
        """
        now = self._now()
        self._next_try = now + self.retry_after
        if self._down_since is not None:
            return False
        self._down_since = now
        return True

    def success(self) -> float | None:
        """Record an answer; the seconds the backend was down when this closed the breaker."""
        if self._down_since is None:
            return None
        down_for = self._now() - self._down_since
        self._down_since = None
        return down_for

    def probe_now(self) -> None:
        """Let the next :meth:`allow` through at once (a health check saw the backend back)."""
        self._next_try = 0.0
