"""The audit log: who did what to which account, when, from where, and whether it worked.

Written by the account services (logins, logouts, password and role changes,
deactivations, deletions). Values that look like secrets are never stored: any detail
whose key mentions a password, token, secret or hash is dropped.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from movierec.accounts.audit_search import AuditEntry, AuditPage, search_audit
from movierec.boundary import guarded
from movierec.clock import utc_datetime
from movierec.db.models import AuditEvent
from movierec.types import Principal

if TYPE_CHECKING:
    from movierec.clock import Clock

__all__ = ["Audit", "AuditEntry", "AuditPage"]

logger = logging.getLogger("movierec.audit")
_SECRET_WORDS = ("password", "token", "secret", "hash", "authorization")


def _clean(details: dict[str, Any] | None) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for key, value in (details or {}).items():
        if any(word in key.lower() for word in _SECRET_WORDS):
            continue
        if not isinstance(value, str | int | float | bool | None):
            value = str(value)
        if isinstance(value, str):
            value = value.replace("\x00", "")[:256]  # PostgreSQL JSON cannot hold NUL
        cleaned[key[:64]] = value
    return cleaned


@guarded
class Audit:
    """Writes :class:`~movierec.db.models.AuditEvent` rows; admins search them."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    async def record(
        self,
        action: str,
        actor_id: int | None = None,
        target_id: int | None = None,
        ip: str | None = None,
        success: bool = True,
        details: dict[str, Any] | None = None,
    ) -> None:
        """Store one event (secrets in ``details`` are dropped)."""
        await AuditEvent.create(
            created_at=utc_datetime(self._clock),
            action=action[:64],
            actor_id=actor_id,
            target_id=target_id,
            ip=ip.replace("\x00", "")[:64] if ip else None,
            success=success,
            details=_clean(details),
        )
        logger.info("audit %s actor=%s target=%s ok=%s", action, actor_id, target_id, success)

    async def search(
        self,
        viewer: Principal,
        *,
        action: str | None = None,
        actor: str | int | None = None,
        since: datetime | None = None,
        success: bool | None = None,
        page: int = 1,
        per_page: int = 50,
    ) -> AuditPage:
        """Events newest first, filtered and paged (admins only); see :func:`search_audit`."""
        return await search_audit(
            viewer,
            action=action,
            actor=actor,
            since=since,
            success=success,
            page=page,
            per_page=per_page,
        )
