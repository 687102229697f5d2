"""Reading usage back: typed report rows with latency percentiles from the histogram."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import fields
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, Field

from movierec.db.models import ApiUsage
from movierec.operations.tally import CACHE, LATENCY_BOUNDS_MS, LATENCY_BUCKETS, Tally

__all__ = ["UsageReport", "UsageRow", "aggregate", "bucket_start", "percentile"]


class UsageRow(BaseModel):
    """Usage of one endpoint template in one time bucket (``bucket`` None: whole range)."""

    bucket: datetime | None
    endpoint: str
    calls: int = 0
    status: dict[str, int] = Field(default_factory=dict, description="calls per status class")
    retries: int = 0
    cache_hits: int = 0
    cache_misses: int = 0
    hit_ratio: float | None = Field(None, description="hits / (hits + misses)")
    stale_serves: int = 0
    rate_limit_waits: int = Field(0, description="calls that waited for the outbound limit")
    rate_limit_wait_s: float = 0.0
    latency_mean_ms: float | None = None
    latency_p50_ms: float | None = None
    latency_p95_ms: float | None = None
    latency_p99_ms: float | None = None


class UsageReport(BaseModel):
    """What ``summary()`` returns: rows per bucket and endpoint, and per-endpoint totals."""

    since: datetime | None
    until: datetime
    bucket: Literal["hour", "day"]
    rows: list[UsageRow]
    endpoints: list[UsageRow] = Field(description="totals per endpoint over the whole range")


def percentile(histogram: list[int], q: float) -> float | None:
    """Estimate the ``q`` quantile (0..1) by interpolating inside the histogram bucket."""
    total = sum(histogram)
    if total == 0:
        return None
    target = q * total
    seen = 0
    lower = 0.0
    for index, count in enumerate(histogram):
        if index >= len(LATENCY_BOUNDS_MS):
            return float(LATENCY_BOUNDS_MS[-1])  # open-ended: report the last bound
        upper = float(LATENCY_BOUNDS_MS[index])
        if count and seen + count >= target:
            return lower + (upper - lower) * (target - seen) / count
        seen += count
        lower = upper
    return float(LATENCY_BOUNDS_MS[-1])  # pragma: no cover - the loop always returns


def bucket_start(moment: datetime, bucket: Literal["hour", "day"]) -> datetime:
    """The start of the hour or day holding ``moment`` (UTC)."""
    moment = moment.astimezone(UTC)
    if bucket == "day":
        return moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return moment.replace(minute=0, second=0, microsecond=0)


def aggregate(
    records: Iterable[ApiUsage], group: Callable[[ApiUsage], datetime | None]
) -> list[UsageRow]:
    """Sum rows per (group, endpoint) into report rows, ordered by time then endpoint."""
    sums: dict[tuple[datetime | None, str], tuple[Tally, dict[str, int]]] = {}
    for record in records:
        key = (group(record), record.endpoint)
        tally, statuses = sums.setdefault(key, (Tally(), {}))
        tally.add(_from_record(record))
        if record.status_class != CACHE:
            statuses[record.status_class] = statuses.get(record.status_class, 0) + record.calls
    return [_row(when, endpoint, *sums[(when, endpoint)]) for when, endpoint in _sorted(sums)]


def _sorted(keys: Iterable[tuple[datetime | None, str]]) -> list[tuple[datetime | None, str]]:
    floor = datetime.min.replace(tzinfo=UTC)
    return sorted(keys, key=lambda k: (k[0] or floor, k[1]))


def _from_record(record: ApiUsage) -> Tally:
    tally = Tally()
    for item in fields(tally):
        if item.name != "histogram":
            setattr(tally, item.name, getattr(record, item.name))
    tally.histogram = [getattr(record, name) for name in LATENCY_BUCKETS]
    return tally


def _row(when: datetime | None, endpoint: str, tally: Tally, statuses: dict[str, int]) -> UsageRow:
    lookups = tally.cache_hits + tally.cache_misses
    timed = sum(tally.histogram)
    return UsageRow(
        bucket=when,
        endpoint=endpoint,
        calls=tally.calls,
        status=dict(sorted(statuses.items())),
        retries=tally.retries,
        cache_hits=tally.cache_hits,
        cache_misses=tally.cache_misses,
        hit_ratio=round(tally.cache_hits / lookups, 4) if lookups else None,
        stale_serves=tally.stale_serves,
        rate_limit_waits=tally.rate_limit_waits,
        rate_limit_wait_s=round(tally.rate_limit_wait_s, 3),
        latency_mean_ms=round(tally.latency_ms_sum / timed, 2) if timed else None,
        latency_p50_ms=_round(percentile(tally.histogram, 0.50)),
        latency_p95_ms=_round(percentile(tally.histogram, 0.95)),
        latency_p99_ms=_round(percentile(tally.histogram, 0.99)),
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
