"""Whether an access token may be used now: its session and account, from the database.

The database is the truth: an access token is good while its login session is not
revoked, its account exists and is active, and the account's ``token_version`` equals
the token's. The facts are read in one query (session joined with its user) and kept in
this process for at most ``Settings.revocation_check_interval`` seconds (1 s by default),
so a busy session costs one primary-key read per second per process, never one per
request. The process that revokes drops its copy at once; other processes see the
revocation within the interval. Redis plays no part, so a Redis restart, outage or
flush cannot revive a revoked token; with the database down, a session whose copy has
expired is refused (fail closed).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from movierec.accounts.tokens import AccessClaims
from movierec.clock import Clock
from movierec.db.models import LoginSession
from movierec.errors import Unauthenticated
from movierec.types import Principal

__all__ = ["SessionGuard", "SessionState"]

MAX_ENTRIES = 10_000


@dataclass(frozen=True, slots=True)
class SessionState:
    """What token checks need to know about one login and its account."""

    user_id: int
    username: str
    role: str
    active: bool
    version: int
    revoked: bool


class SessionGuard:
    """Checks access tokens against session and account state, with a short local copy."""

    def __init__(self, clock: Clock, interval: float) -> None:
        self._clock = clock
        self._interval = interval
        self._entries: OrderedDict[str, tuple[float, SessionState | None]] = OrderedDict()

    async def check(self, claims: AccessClaims) -> Principal:
        """The caller named by verified ``claims``; :class:`Unauthenticated` if revoked."""
        if claims.session_id is None:
            raise Unauthenticated("invalid access token")
        state = await self.state(claims.session_id)
        if state is None or state.user_id != claims.user_id:
            raise Unauthenticated("this session no longer exists", details={"reason": "revoked"})
        if not state.active:
            raise Unauthenticated("this account is deactivated")
        if state.revoked or state.version != claims.version:
            raise Unauthenticated("access token revoked", details={"reason": "revoked"})
        return Principal(
            user_id=claims.user_id,
            username=state.username,
            role="admin" if state.role == "admin" else "user",
            token_id=claims.token_id,
            session_id=claims.session_id,
        )

    async def state(self, session_id: str) -> SessionState | None:
        """The session's state (``None`` when there is no such session), at most
        ``interval`` seconds old."""
        now = self._clock.now()
        entry = self._entries.get(session_id)
        if entry is not None and entry[0] > now:
            return entry[1]
        state = await self._load(session_id) if len(session_id) <= 36 else None
        if self._interval > 0:
            self._entries[session_id] = (now + self._interval, state)
            self._entries.move_to_end(session_id)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)
        return state

    @staticmethod
    async def _load(session_id: str) -> SessionState | None:
        rows = await LoginSession.filter(id=session_id).values(
            "user_id",
            "revoked_at",
            "user__username",
            "user__role",
            "user__is_active",
            "user__token_version",
        )
        if not rows:
            return None
        row = rows[0]
        return SessionState(
            user_id=int(row["user_id"]),
            username=str(row["user__username"]),
            role=str(row["user__role"]),
            active=bool(row["user__is_active"]),
            version=int(row["user__token_version"]),
            revoked=row["revoked_at"] is not None,
        )

    def forget_session(self, session_id: str) -> None:
        """Drop the local copy of one session (it was just revoked here)."""
        self._entries.pop(session_id, None)

    def forget_user(self, user_id: int) -> None:
        """Drop the local copies of every session of ``user_id`` (the account changed)."""
        stale = [
            sid for sid, (_, state) in self._entries.items() if state and state.user_id == user_id
        ]
        for sid in stale:
            del self._entries[sid]
