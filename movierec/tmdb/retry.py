"""When and how long to wait before trying a TMDb call again.

Exponential backoff with full jitter (``uniform(0, min(cap, base * 2**attempt))``, as in
AWS's "Exponential Backoff and Jitter"), bounded by a retry count and by a total time
budget for the whole call. A server's ``Retry-After`` is honoured: we wait at least that
long, or give up at once when it would blow the budget.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

__all__ = ["RETRYABLE_STATUSES", "RetryPolicy", "parse_retry_after"]

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
"""Replies worth another try. Every other 4xx (401, 404, ...) is final."""


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta seconds or an HTTP date), else None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


@dataclass
class RetryPolicy:
    """Bounds and pacing of retries for one logical TMDb call.

    ``max_retries`` extra attempts at most, all within ``budget`` seconds measured from
    the first attempt (``timer`` is monotonic seconds).
    """

    max_retries: int = 3
    budget: float = 20.0
    base: float = 0.5
    cap: float = 8.0
    rng: random.Random = field(default_factory=random.Random)
    timer: Callable[[], float] = time.monotonic

    def backoff(self, attempt: int) -> float:
        """Full-jitter delay before retry number ``attempt`` (0-based)."""
        return self.rng.uniform(0.0, min(self.cap, self.base * (2**attempt)))

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """How long to wait before retry ``attempt``: the backoff, or ``Retry-After`` if longer."""
        pause = self.backoff(attempt)
        if retry_after is not None:
            pause = max(pause, retry_after)
        return pause

    def start(self) -> RetryClock:
        """Begin timing one logical call."""
        return RetryClock(self, self.timer())


@dataclass
class RetryClock:
    """The retry state of one logical call: attempts made and time left."""

    policy: RetryPolicy
    started: float
    retries: int = 0

    def remaining(self) -> float:
        """Seconds left in the budget (never negative)."""
        return max(0.0, self.policy.budget - (self.policy.timer() - self.started))

    def next_delay(self, retry_after: float | None) -> float | None:
        """The pause before the next attempt, or None when retries or budget are spent."""
        if self.retries >= self.policy.max_retries:
            return None
        pause = self.policy.delay(self.retries, retry_after)
        # Leave room for the next attempt itself: a retry that cannot finish is pointless.
        if pause >= self.remaining():
            return None
        return pause
