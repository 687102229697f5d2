"""The audit log: who did what to which account, when, from where, and whether it worked.

Written by the account services (logins, logouts, password and role changes,
deactivations, deletions); read back by admins (:meth:`Audit.search`: filters, paging,
usernames resolved). Values that look like secrets are never stored: any detail
whose key mentions a password, token, secret or hash is dropped.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from movierec.boundary import guarded
from movierec.clock import utc_datetime
from movierec.db.models import AuditEvent, User
from movierec.errors import Forbidden, InvalidInput
from movierec.types import Page, PageNo, PageSize, Principal, checked

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


class AuditEntry(BaseModel):
    """One audit event as admins see it (secrets were never stored)."""

    id: int
    created_at: datetime
    action: str
    actor_id: int | None = None
    actor: str | None = Field(None, description="the actor's username, if the account exists")
    target_id: int | None = None
    target: str | None = Field(None, description="the target's username, if it exists")
    ip: str | None = None
    success: bool
    details: dict[str, Any] = Field(default_factory=dict)


class AuditPage(Page[AuditEntry]):
    """One page of audit events, newest first."""


async def _usernames(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await User.filter(id__in=sorted(ids)).values("id", "username")
    return {int(row["id"]): str(row["username"]) for row in rows}


async def _user_id(who: str | int) -> int | None:
    text = str(who).strip()
    if text.isdigit():
        return int(text)
    user = await User.get_or_none(username_key=text.lower())
    return None if user is None else int(user.id)


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
        principal: Principal,
        *,
        action: str | None = None,
        actor: str | int | None = None,
        since: datetime | None = None,
        success: bool | None = None,
        page: int = 1,
        size: int = 50,
    ) -> AuditPage:
        """Events newest first, filtered by action, actor (username or id), time and outcome.

        Admins only. An ``actor`` that names no account matches nothing.
        """
        if not principal.is_admin:
            raise Forbidden("admins only")
        page, size = checked(PageNo, "page", page), checked(PageSize, "size", size)
        for name, value in (("action", action), ("actor", actor)):
            if isinstance(value, str) and ("\x00" in value or len(value) > 254):
                raise InvalidInput.field(name, "must be printable text of at most 254 characters")
        query = AuditEvent.all()
        if action and action.strip():
            query = query.filter(action=action.strip()[:64])
        if actor is not None and str(actor).strip():
            actor_id = await _user_id(actor)
            if actor_id is None:
                return AuditPage(items=[], page=page, size=size, total=0)
            query = query.filter(actor_id=actor_id)
        if since is not None:
            query = query.filter(created_at__gte=since)
        if success is not None:
            query = query.filter(success=success)
        total = await query.count()
        offset = (page - 1) * size
        events = await query.order_by("-created_at", "-id").offset(offset).limit(size)
        ids = {e.actor_id for e in events} | {e.target_id for e in events}
        names = await _usernames({i for i in ids if i is not None})
        items = [
            AuditEntry(
                id=e.id,
                created_at=e.created_at,
                action=e.action,
                actor_id=e.actor_id,
                actor=names.get(e.actor_id) if e.actor_id is not None else None,
                target_id=e.target_id,
                target=names.get(e.target_id) if e.target_id is not None else None,
                ip=e.ip,
                success=e.success,
                details=dict(e.details or {}),
            )
            for e in events
        ]
        return AuditPage(items=items, page=page, size=size, total=total)
