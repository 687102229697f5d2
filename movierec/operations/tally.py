"""The in-memory counters of usage accounting, and the histogram they share with the table."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Literal

__all__ = [
    "CACHE",
    "LATENCY_BOUNDS_MS",
    "LATENCY_BUCKETS",
    "StatusClass",
    "Tally",
    "hour_bucket",
    "latency_index",
    "status_class",
]

LATENCY_BOUNDS_MS: tuple[int, ...] = (5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)
LATENCY_BUCKETS: tuple[str, ...] = (
    *(f"latency_le_{bound}" for bound in LATENCY_BOUNDS_MS),
    f"latency_gt_{LATENCY_BOUNDS_MS[-1]}",
)
"""The ``ApiUsage`` histogram columns, fastest first."""

CACHE = "cache"
StatusClass = Literal["2xx", "3xx", "4xx", "5xx", "err"]


def status_class(status: int | None) -> StatusClass:
    """``2xx``/``3xx``/``4xx``/``5xx`` for an HTTP status; ``err`` when no reply could be used."""
    if status is None or not 200 <= status < 600:
        return "err"
    return f"{status // 100}xx"  # type: ignore[return-value]


@dataclass
class Tally:
    """Counters of one (bucket, endpoint, status class) since the last flush."""

    calls: int = 0
    retries: int = 0
    cache_hits: int = 0
    cache_misses: int = 0
    stale_serves: int = 0
    rate_limit_waits: int = 0
    rate_limit_wait_s: float = 0.0
    latency_ms_sum: float = 0.0
    histogram: list[int] = field(default_factory=lambda: [0] * len(LATENCY_BUCKETS))

    def add(self, other: Tally) -> None:
        """Add another tally's counts to this one."""
        for item in fields(self):
            if item.name != "histogram":
                setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))
        self.histogram = [a + b for a, b in zip(self.histogram, other.histogram, strict=True)]

    def columns(self) -> dict[str, float]:
        """The non-zero counts by ``ApiUsage`` column name."""
        values: dict[str, float] = {
            item.name: getattr(self, item.name) for item in fields(self) if item.name != "histogram"
        }
        values.update(zip(LATENCY_BUCKETS, self.histogram, strict=True))
        return {name: value for name, value in values.items() if value}


def hour_bucket(timestamp: float) -> datetime:
    """The start of the UTC hour holding ``timestamp``."""
    return datetime.fromtimestamp(timestamp - timestamp % 3600, tz=UTC)


def latency_index(latency_ms: float) -> int:
    """Which histogram bucket ``latency_ms`` falls in."""
    for index, bound in enumerate(LATENCY_BOUNDS_MS):
        if latency_ms <= bound:
            return index
    return len(LATENCY_BOUNDS_MS)
