"""What the metrics endpoint reports about the library: cache counters and TMDb calls.

Cache counters are the backend's own (per process for the in-process cache, shared for
Redis). TMDb call totals are read from the ``api_usage`` table, so they cover every
worker and host writing to the same database, for the usage window still retained.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict
from tortoise.functions import Sum

from movierec.boundary import guarded
from movierec.db.models import ApiUsage
from movierec.errors import Forbidden, ServiceUnavailable
from movierec.operations.report import UsageReport
from movierec.types import Principal

if TYPE_CHECKING:
    from movierec.cache import Cache
    from movierec.operations.recorder import UsageRecorder

__all__ = ["CacheCounters", "Monitoring", "MonitoringSnapshot", "TmdbCallTotal"]


class CacheCounters(BaseModel):
    """The cache backend's hit, miss and entry counts."""

    model_config = ConfigDict(frozen=True)

    backend: str
    entries: int
    hits: int
    misses: int


class TmdbCallTotal(BaseModel):
    """TMDb calls recorded for one (endpoint, status class)."""

    model_config = ConfigDict(frozen=True)

    endpoint: str
    status_class: str
    calls: int
    retries: int
    rate_limit_waits: int


class MonitoringSnapshot(BaseModel):
    """Everything ``/metrics`` reads from the library in one call."""

    model_config = ConfigDict(frozen=True)

    cache: CacheCounters
    tmdb: list[TmdbCallTotal]


@guarded
class Monitoring:
    """Read-only figures for metrics scrapes (``mr.monitoring``)."""

    def __init__(self, cache: Cache, usage: UsageRecorder, *, metrics_public: bool = False) -> None:
        self._cache = cache
        self._usage = usage
        self._metrics_public = metrics_public

    async def check_metrics_reader(self, viewer: Callable[[], Awaitable[Principal]]) -> None:
        """Who may read metrics: anyone with ``MOVIEREC_METRICS_PUBLIC``, else admins only.

        ``viewer`` verifies the caller (raising :class:`Unauthenticated`); it is called only
        when the metrics are not public, so a public scrape needs no token at all.
        Raises :class:`Forbidden` for a caller who is no admin.
        """
        if self._metrics_public:
            return
        if not (await viewer()).is_admin:
            raise Forbidden("admins only")

    async def snapshot(self) -> MonitoringSnapshot:
        """Cache counters and TMDb call totals, as of now."""
        with contextlib.suppress(ServiceUnavailable):  # unflushed counts show next time
            await self._usage.flush()
        stats = await self._cache.stats()
        cache = CacheCounters(
            backend=stats.backend, entries=stats.entries, hits=stats.hits, misses=stats.misses
        )
        rows = (
            await ApiUsage.exclude(status_class="cache")
            .annotate(
                total_calls=Sum("calls"),
                total_retries=Sum("retries"),
                total_waits=Sum("rate_limit_waits"),
            )
            .group_by("endpoint", "status_class")
            .order_by("endpoint", "status_class")
            .values("endpoint", "status_class", "total_calls", "total_retries", "total_waits")
        )
        tmdb = [
            TmdbCallTotal(
                endpoint=str(row["endpoint"]),
                status_class=str(row["status_class"]),
                calls=int(row["total_calls"] or 0),
                retries=int(row["total_retries"] or 0),
                rate_limit_waits=int(row["total_waits"] or 0),
            )
            for row in rows
        ]
        return MonitoringSnapshot(cache=cache, tmdb=tmdb)

    async def usage(
        self,
        principal: Principal,
        since: datetime | None = None,
        bucket: Literal["hour", "day"] = "hour",
    ) -> UsageReport:
        """TMDb usage per endpoint and hour or day since ``since`` (admins only)."""
        if not principal.is_admin:
            raise Forbidden("admins only")
        return await self._usage.summary(since=since, bucket=bucket)
