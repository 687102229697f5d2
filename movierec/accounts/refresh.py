"""Login sessions and their refresh tokens, in the database (the truth about revocation).

A *session* (:class:`~movierec.db.models.LoginSession`) is one login; its refresh tokens
form a family. Every rotation hands out a new token in the same session and marks the
old one rotated. Presenting a rotated token again means it leaked (or a client raced
itself): after a short grace period the session is revoked, so neither the thief nor
the victim can go on with it, and its access tokens stop working too.

Rotation runs in one transaction that first updates the session row on the condition
that it is not revoked (``UPDATE ... WHERE revoked_at IS NULL``: a row lock on
PostgreSQL, the write lock on SQLite), then retires the old token with a conditional
update and inserts the new one. A revocation updates the same row, so it either waits
for the rotation to commit (and then ends the new token with the session) or makes the
rotation fail: no interleaving leaves a live child. Of several concurrent rotations of
one token exactly one wins.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from movierec.accounts.tokens import hash_refresh_token, new_refresh_token
from movierec.clock import Clock, utc_datetime
from movierec.db.models import LoginSession, RefreshToken
from movierec.errors import Unauthenticated

__all__ = ["Issued", "RefreshTokens", "ReuseDetected"]

MAX_LENGTH = 256


@dataclass(frozen=True, slots=True)
class Issued:
    """A new refresh token (the only time the raw value exists), its owner and session."""

    token: str
    user_id: int
    family_id: str


class ReuseDetected(Unauthenticated):
    """A rotated refresh token came back after the grace period; its session is revoked."""


class RefreshTokens:
    """Start sessions, rotate their refresh tokens, revoke them."""

    def __init__(self, clock: Clock, ttl: int, grace: float, connection: str) -> None:
        self._clock = clock
        self._ttl = ttl
        self._grace = grace
        self._connection = connection

    def _expiry(self) -> timedelta:
        return timedelta(seconds=self._ttl)

    async def start(self, user_id: int) -> Issued:
        """A new session for ``user_id`` with its first refresh token."""
        token = new_refresh_token()
        family = str(uuid.uuid4())
        expires = utc_datetime(self._clock) + self._expiry()
        async with in_transaction(self._connection) as conn:
            await LoginSession.create(id=family, user_id=user_id, expires_at=expires, using_db=conn)
            await RefreshToken.create(
                user_id=user_id,
                token_hash=hash_refresh_token(token),
                family_id=family,
                expires_at=expires,
                using_db=conn,
            )
        return Issued(token, user_id, family)

    async def rotate(self, token: str) -> Issued:
        """Retire ``token`` and hand out its successor; :class:`Unauthenticated` if invalid."""
        if not token or len(token) > MAX_LENGTH:
            raise Unauthenticated("invalid refresh token")
        row = await RefreshToken.get_or_none(token_hash=hash_refresh_token(token))
        if row is None:
            raise Unauthenticated("invalid refresh token")
        user_id = _owner(row)
        now = utc_datetime(self._clock)
        if row.rotated_at is not None:
            if (now - row.rotated_at).total_seconds() <= self._grace:
                raise Unauthenticated("refresh token already used")
            if await self.revoke(row.family_id, reason="reuse"):
                raise ReuseDetected(
                    "refresh token reused; this login was revoked",
                    details={"reason": "reuse", "user_id": user_id},
                )
            raise Unauthenticated("refresh token revoked", details={"reason": "revoked"})
        if row.expires_at <= now:
            raise Unauthenticated("refresh token expired")
        fresh = new_refresh_token()
        expires = now + self._expiry()
        async with in_transaction(self._connection) as conn:
            # The session row first: it serialises this rotation with any revocation.
            alive = (
                await LoginSession.filter(
                    id=row.family_id, user_id=user_id, revoked_at__isnull=True
                )
                .using_db(conn)
                .update(generation=F("generation") + 1, expires_at=expires)
            )
            if alive != 1:
                raise Unauthenticated("refresh token revoked", details={"reason": "revoked"})
            won = (
                await RefreshToken.filter(id=row.id, rotated_at__isnull=True)
                .using_db(conn)
                .update(rotated_at=now)
            )
            if won != 1:
                raise Unauthenticated("refresh token already used")
            await RefreshToken.create(
                user_id=user_id,
                token_hash=hash_refresh_token(fresh),
                family_id=row.family_id,
                expires_at=expires,
                using_db=conn,
            )
        return Issued(fresh, user_id, row.family_id)

    async def owner(self, token: str) -> tuple[int, str] | None:
        """``(user_id, session_id)`` of a stored token, whatever its state."""
        if not token or len(token) > MAX_LENGTH:
            return None
        row = await RefreshToken.get_or_none(token_hash=hash_refresh_token(token))
        return None if row is None else (_owner(row), row.family_id)

    async def revoke(self, session_id: str, *, user_id: int | None = None, reason: str) -> bool:
        """End one login; False when it was already over (or is someone else's)."""
        query = LoginSession.filter(id=session_id, revoked_at__isnull=True)
        if user_id is not None:
            query = query.filter(user_id=user_id)
        now = utc_datetime(self._clock)
        return await query.update(revoked_at=now, revoked_reason=reason) > 0

    async def revoke_user(self, user_id: int, *, reason: str) -> int:
        """End every login of a user; returns how many were live."""
        now = utc_datetime(self._clock)
        return await LoginSession.filter(user_id=user_id, revoked_at__isnull=True).update(
            revoked_at=now, revoked_reason=reason
        )


def _owner(row: RefreshToken) -> int:
    return int(row.user_id)  # type: ignore[attr-defined]  # the FK's column attribute
