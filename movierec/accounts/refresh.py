"""Refresh tokens in the database: stored hashed, rotated on use, revoked by family.

A *family* is one login: every rotation hands out a new token in the same family and
marks the old one rotated. Presenting a rotated token again means it leaked (or a
client raced itself): after a short grace period the whole family is revoked, so
neither the thief nor the victim can go on with it.

Rotation is a conditional ``UPDATE ... WHERE rotated_at IS NULL AND revoked_at IS NULL``
whose affected-row count decides which of several concurrent refreshes wins: exactly one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from movierec.accounts.tokens import hash_refresh_token, new_refresh_token
from movierec.clock import Clock, utc_datetime
from movierec.db.models import RefreshToken
from movierec.errors import Unauthenticated

__all__ = ["Issued", "RefreshTokens", "Rotation"]

MAX_LENGTH = 256


@dataclass(frozen=True, slots=True)
class Issued:
    """A new refresh token (the only time the raw value exists) and its family."""

    token: str
    family_id: str


@dataclass(frozen=True, slots=True)
class Rotation:
    """A successful rotation: whose token it was and which family to continue."""

    user_id: int
    family_id: str


class ReuseDetected(Unauthenticated):
    """A rotated refresh token came back after the grace period; its family is revoked."""


class RefreshTokens:
    """Create, rotate and revoke refresh tokens."""

    def __init__(self, clock: Clock, ttl: int, grace: float) -> None:
        self._clock = clock
        self._ttl = ttl
        self._grace = grace

    async def create(self, user_id: int, family_id: str | None = None) -> Issued:
        """Store a new token for ``user_id`` in ``family_id`` (a new family when ``None``)."""
        token = new_refresh_token()
        family = family_id or str(uuid.uuid4())
        await RefreshToken.create(
            user_id=user_id,
            token_hash=hash_refresh_token(token),
            family_id=family,
            expires_at=utc_datetime(self._clock) + timedelta(seconds=self._ttl),
        )
        return Issued(token, family)

    async def rotate(self, token: str) -> Rotation:
        """Retire ``token`` and say which family goes on; :class:`Unauthenticated` if invalid."""
        if not token or len(token) > MAX_LENGTH:
            raise Unauthenticated("invalid refresh token")
        row = await RefreshToken.get_or_none(token_hash=hash_refresh_token(token))
        if row is None:
            raise Unauthenticated("invalid refresh token")
        now = utc_datetime(self._clock)
        if row.revoked_at is not None:
            raise Unauthenticated("refresh token revoked")
        if row.rotated_at is not None:
            if (now - row.rotated_at).total_seconds() <= self._grace:
                raise Unauthenticated("refresh token already used")
            await self.revoke_family(row.family_id)
            raise ReuseDetected(
                "refresh token reused; every session of this login was revoked",
                details={"reason": "reuse", "user_id": _owner(row)},
            )
        if row.expires_at <= now:
            raise Unauthenticated("refresh token expired")
        won = await RefreshToken.filter(
            id=row.id, rotated_at__isnull=True, revoked_at__isnull=True
        ).update(rotated_at=now)
        if won != 1:
            raise Unauthenticated("refresh token already used")
        return Rotation(_owner(row), row.family_id)

    async def owner(self, token: str) -> tuple[int, str] | None:
        """``(user_id, family_id)`` of a stored token, whatever its state."""
        if not token or len(token) > MAX_LENGTH:
            return None
        row = await RefreshToken.get_or_none(token_hash=hash_refresh_token(token))
        return None if row is None else (_owner(row), row.family_id)

    async def revoke_family(self, family_id: str, *, user_id: int | None = None) -> int:
        """Revoke every live token of one login; returns how many."""
        query = RefreshToken.filter(family_id=family_id, revoked_at__isnull=True)
        if user_id is not None:
            query = query.filter(user_id=user_id)
        return await query.update(revoked_at=utc_datetime(self._clock))

    async def revoke_user(self, user_id: int) -> int:
        """Revoke every live token of a user (all sessions)."""
        return await RefreshToken.filter(user_id=user_id, revoked_at__isnull=True).update(
            revoked_at=utc_datetime(self._clock)
        )


def _owner(row: RefreshToken) -> int:
    return int(row.user_id)  # type: ignore[attr-defined]  # the FK's column attribute
