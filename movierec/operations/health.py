"""Liveness and readiness: the rules every frontend renders (``/health``, ``/ready``, ``status``).

- **Liveness** (:meth:`Health.liveness`): the process answers. ``degraded`` when the cache's
  shared backend does not (the cache then serves in-process). The cache is asked at most
  once a second: probes hit liveness far more often than a cache changes state.
- **Readiness** (:meth:`Health.readiness`): the database and the cache are asked afresh.
  ``down`` when the database does not answer (a load balancer should stop sending
  traffic), ``degraded`` when only the cache does not, or when fewer workers serve than
  were configured (:meth:`HealthReport.with_workers`), else ``ok``.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from movierec._version import __version__

if TYPE_CHECKING:
    from movierec.cache import Cache

__all__ = ["CACHE_PING_EVERY", "Health", "HealthReport", "Liveness", "WorkerCount"]

CACHE_PING_EVERY = 1.0
"""Seconds a liveness answer reuses the cache's last answer to PING."""

Status = Literal["ok", "degraded", "down"]


@dataclass(frozen=True, slots=True)
class WorkerCount:
    """Worker processes of a server: configured, serving now, replaced so far."""

    configured: int
    live: int
    restarts: int

    def as_dict(self) -> dict[str, int]:
        """JSON-able form."""
        return {"configured": self.configured, "live": self.live, "restarts": self.restarts}


@dataclass(frozen=True, slots=True)
class Liveness:
    """Whether the process answers, and whether its cache backend does."""

    status: Literal["ok", "degraded"]
    version: str
    cache: bool
    cache_backend: str

    def as_dict(self) -> dict[str, object]:
        """JSON-able form for ``/health``."""
        return {
            "status": self.status,
            "version": self.version,
            "cache": {"backend": self.cache_backend, "ok": self.cache},
        }


@dataclass(frozen=True, slots=True)
class HealthReport:
    """Whether the backing services answer (readiness)."""

    status: Status
    database: bool
    database_kind: str
    cache: bool
    cache_backend: str
    workers: WorkerCount | None = None

    def with_workers(self, workers: WorkerCount) -> HealthReport:
        """This report for a server with these workers: fewer live than configured degrades."""
        status = self.status
        if workers.live < workers.configured and status == "ok":
            status = "degraded"  # a dead worker is being replaced
        return replace(self, status=status, workers=workers)

    def as_dict(self) -> dict[str, object]:
        """JSON-able form for ``/ready`` and ``movierec status``."""
        body: dict[str, object] = {
            "status": self.status,
            "database": {"ok": self.database, "kind": self.database_kind},
            "cache": {"ok": self.cache, "backend": self.cache_backend},
        }
        if self.workers is not None:
            body["workers"] = self.workers.as_dict()
        return body


class Health:
    """Asks the database and the cache; decides ``ok``, ``degraded`` or ``down``."""

    def __init__(
        self,
        database_ping: Callable[[], Awaitable[bool]],
        database_kind: str,
        cache: Cache,
        *,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self._database_ping = database_ping
        self._database_kind = database_kind
        self._cache = cache
        self._now = now
        self._cache_checked: tuple[float, bool] | None = None

    async def _cache_answers(self, *, fresh: bool) -> bool:
        checked = self._cache_checked
        if not fresh and checked is not None and self._now() - checked[0] < CACHE_PING_EVERY:
            return checked[1]
        ok = await self._cache.ping()
        self._cache_checked = (self._now(), ok)
        return ok

    async def liveness(self) -> Liveness:
        """The process answers; the cache's state (asked at most once a second)."""
        ok = await self._cache_answers(fresh=False)
        return Liveness("ok" if ok else "degraded", __version__, ok, self._cache.backend)

    async def readiness(self) -> HealthReport:
        """Ask the database and the cache now."""
        database_ok = await self._database_ping()
        cache_ok = await self._cache_answers(fresh=True)
        status: Status = "down" if not database_ok else "ok" if cache_ok else "degraded"
        return HealthReport(status, database_ok, self._database_kind, cache_ok, self._cache.backend)
