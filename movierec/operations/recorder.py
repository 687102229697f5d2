"""TMDb usage and latency accounting for admins.

Cheap on the hot path: :meth:`UsageRecorder.record_call` and
:meth:`UsageRecorder.record_cache` only add to an in-memory tally keyed by
(hour bucket, endpoint template, status class). A background task started by
``MovieRec.open`` flushes the tally every ``usage_flush_interval`` seconds (and on close)
into :class:`~movierec.db.models.ApiUsage` rows with atomic ``F()`` increments, so several
processes add to the same rows safely. :meth:`UsageRecorder.summary` reads them back as a
typed :class:`UsageReport`, with latency percentiles estimated from the histogram.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from typing import Any, Literal

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from movierec.boundary import classify_error
from movierec.clock import Clock
from movierec.db import Database
from movierec.db.models import ApiUsage
from movierec.errors import InvalidInput, ServiceUnavailable
from movierec.operations.report import UsageReport, aggregate, bucket_start
from movierec.operations.tally import CACHE, Tally, hour_bucket, latency_index, status_class

__all__ = ["UsageRecorder"]

logger = logging.getLogger(__name__)

_Key = tuple[datetime, str, str]


class UsageRecorder:
    """Counts TMDb calls and cache lookups; flushes them to ``ApiUsage`` in batches."""

    def __init__(self, db: Database, clock: Clock, flush_interval: float = 5.0) -> None:
        self.db = db
        self.clock = clock
        self.flush_interval = flush_interval
        self._pending: dict[_Key, Tally] = {}
        self._task: asyncio.Task[None] | None = None
        self._flush_lock = asyncio.Lock()

    # --- hot path

    def _tally(self, endpoint: str, klass: str) -> Tally:
        key = (hour_bucket(self.clock.now()), endpoint[:64], klass)
        tally = self._pending.get(key)
        if tally is None:
            tally = self._pending[key] = Tally()
        return tally

    def record_call(
        self,
        endpoint: str,
        status: int | None,
        latency_ms: float,
        retries: int = 0,
        rate_limit_wait_s: float = 0.0,
    ) -> None:
        """Count one logical TMDb call (``endpoint`` is the template, e.g. ``/movie/{id}``)."""
        tally = self._tally(endpoint, status_class(status))
        tally.calls += 1
        tally.retries += retries
        tally.latency_ms_sum += latency_ms
        tally.histogram[latency_index(latency_ms)] += 1
        if rate_limit_wait_s > 0:
            tally.rate_limit_waits += 1
            tally.rate_limit_wait_s += rate_limit_wait_s

    def record_cache(self, endpoint: str, hit: bool, stale: bool = False) -> None:
        """Count one cache lookup for ``endpoint``; ``stale`` when a stale copy was served."""
        tally = self._tally(endpoint, CACHE)
        if hit:
            tally.cache_hits += 1
        else:
            tally.cache_misses += 1
        if stale:
            tally.stale_serves += 1

    # --- lifecycle

    async def open(self) -> None:
        """Start the periodic flush."""
        if self._task is None:
            self._task = asyncio.create_task(self._flush_periodically(), name="usage-flush")

    async def close(self) -> None:
        """Stop the periodic flush and write what is left (logged, not raised, on failure)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        try:
            await self.flush()
        except ServiceUnavailable as exc:
            logger.warning("usage counts lost at close: %s", exc)

    async def _flush_periodically(self) -> None:
        while True:
            await asyncio.sleep(self.flush_interval)
            try:
                await self.flush()
            except ServiceUnavailable as exc:
                logger.warning("usage flush failed, will retry: %s", exc)

    async def flush(self) -> int:
        """Write the pending counts now; returns the number of rows touched.

        On a database failure the counts are kept for the next flush and
        :class:`ServiceUnavailable` is raised.
        """
        async with self._flush_lock:
            pending, self._pending = self._pending, {}
            if not pending:
                return 0
            done: list[_Key] = []
            try:
                with self.db.activate():
                    for key, tally in pending.items():
                        await _add_to_row(key, tally)
                        done.append(key)
            except Exception as exc:
                if classify_error(exc) is None:
                    raise
                for key in done:
                    pending.pop(key)
                self._merge_back(pending)
                raise ServiceUnavailable(f"cannot write usage counts: {exc}") from exc
            return len(done)

    def _merge_back(self, pending: dict[_Key, Tally]) -> None:
        for key, tally in pending.items():
            current = self._pending.get(key)
            if current is None:
                self._pending[key] = tally
            else:
                current.add(tally)

    # --- reading

    async def summary(
        self, since: datetime | None = None, bucket: Literal["hour", "day"] = "hour"
    ) -> UsageReport:
        """Usage per endpoint per hour or day since ``since`` (everything when None)."""
        if bucket not in ("hour", "day"):
            raise InvalidInput.field("bucket", "must be 'hour' or 'day'")
        if since is not None and since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        await self.flush()
        with self.db.activate():
            query = ApiUsage.all()
            if since is not None:
                query = query.filter(bucket__gte=hour_bucket(since.timestamp()))
            records = await query.order_by("bucket", "endpoint")
        rows = aggregate(records, lambda r: bucket_start(r.bucket, bucket))
        totals = aggregate(records, lambda r: None)
        until = datetime.fromtimestamp(self.clock.now(), tz=UTC)
        return UsageReport(since=since, until=until, bucket=bucket, rows=rows, endpoints=totals)


async def _add_to_row(key: _Key, tally: Tally) -> None:
    """Add ``tally`` to its row: UPDATE with F() increments, INSERT if missing, race-safe."""
    bucket, endpoint, klass = key
    columns: dict[str, Any] = dict(tally.columns())
    row = ApiUsage.filter(bucket=bucket, endpoint=endpoint, status_class=klass)
    increments = {name: F(name) + value for name, value in columns.items()}
    if increments and await row.update(**increments):
        return
    try:
        await ApiUsage.create(bucket=bucket, endpoint=endpoint, status_class=klass, **columns)
    except IntegrityError:  # another process inserted it first
        await row.update(**increments)
