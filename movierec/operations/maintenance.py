"""Housekeeping: drop rows that have outlived their use.

Expired refresh tokens can never be used again, nor can sessions past their expiry or
revoked longer ago than an access token lives (a token naming a deleted session is
refused all the same), nor login locks long past. Usage buckets, audit events and the
recommendation serving log are kept for ``usage_retention_days``,
``audit_retention_days`` and ``recommendation_log_retention_days``. A scheduled job runs
:meth:`Maintenance.prune`; ``movierec jobs run prune`` runs it by hand.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict
from tortoise.expressions import Q

from movierec.boundary import guarded
from movierec.clock import utc_datetime
from movierec.db.models import (
    ApiUsage,
    AuditEvent,
    LoginLock,
    LoginSession,
    Recommendation,
    RefreshToken,
)

if TYPE_CHECKING:
    from movierec.clock import Clock
    from movierec.config import Settings

__all__ = ["Maintenance", "PruneReport"]


class PruneReport(BaseModel):
    """How many rows each prune removed."""

    model_config = ConfigDict(frozen=True)

    refresh_tokens: int
    usage_buckets: int
    audit_events: int
    sessions: int = 0
    login_locks: int = 0
    serving_log: int = 0

    @property
    def total(self) -> int:
        """Rows removed in all."""
        return (
            self.refresh_tokens
            + self.usage_buckets
            + self.audit_events
            + self.sessions
            + self.login_locks
            + self.serving_log
        )


@guarded
class Maintenance:
    """Pruning of expired and old rows (``mr.maintenance``)."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        self._settings = settings
        self._clock = clock

    async def prune_refresh_tokens(self) -> int:
        """Delete refresh tokens past their expiry; returns how many."""
        now = utc_datetime(self._clock)
        return int(await RefreshToken.filter(expires_at__lt=now).delete())

    async def prune_sessions(self) -> int:
        """Delete sessions past their expiry, or revoked longer ago than an access token
        lives; returns how many."""
        now = utc_datetime(self._clock)
        ended = now - timedelta(seconds=self._settings.access_token_ttl)
        return int(
            await LoginSession.filter(Q(expires_at__lt=now) | Q(revoked_at__lt=ended)).delete()
        )

    async def prune_login_locks(self) -> int:
        """Delete login locks that ended more than a counting window ago; returns how many."""
        cutoff = self._clock.now() - self._settings.login_failure_window
        return int(await LoginLock.filter(until__lt=cutoff).delete())

    async def prune_serving_log(self, older_than_days: int | None = None) -> int:
        """Delete recommendation serving-log rows older than the retention; returns how many."""
        days = older_than_days or self._settings.recommendation_log_retention_days
        cutoff = utc_datetime(self._clock) - timedelta(days=days)
        return int(await Recommendation.filter(created_at__lt=cutoff).delete())

    async def prune_usage(self, older_than_days: int | None = None) -> int:
        """Delete TMDb usage buckets older than the retention; returns how many."""
        days = older_than_days or self._settings.usage_retention_days
        cutoff = utc_datetime(self._clock) - timedelta(days=days)
        return int(await ApiUsage.filter(bucket__lt=cutoff).delete())

    async def prune_audit(self, older_than_days: int | None = None) -> int:
        """Delete audit events older than the retention; returns how many."""
        days = older_than_days or self._settings.audit_retention_days
        cutoff = utc_datetime(self._clock) - timedelta(days=days)
        return int(await AuditEvent.filter(created_at__lt=cutoff).delete())

    async def prune(self) -> PruneReport:
        """Every prune, with the configured retentions."""
        return PruneReport(
            refresh_tokens=await self.prune_refresh_tokens(),
            usage_buckets=await self.prune_usage(),
            audit_events=await self.prune_audit(),
            sessions=await self.prune_sessions(),
            login_locks=await self.prune_login_locks(),
            serving_log=await self.prune_serving_log(),
        )
