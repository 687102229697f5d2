"""Whether an access token may be used now: its session and account, from the database.

The database is the truth: an access token is good while its login session is not
revoked, its account exists and is active, and the account's ``token_version`` equals
the token's. The facts are read in one query (session joined with its user) and kept in
this process, tagged with the user's stamp (:mod:`movierec.accounts.stamps`), which the
check reads first (one Redis ``GET``). A copy is used only while the stamp is unchanged,
and for at most ``Settings.user_state_max_age`` seconds: every revocation, in any
process, renews the stamp after it commits, so the next request in every worker reads
the database again (revocation at once). A warm check costs no database query.

Without a stamp (no Redis, or Redis failing) the copy is kept for
``Settings.revocation_check_interval`` seconds (1 s by default) instead: then other
processes see a revocation within that interval. The process that revokes drops its
copy at once. A Redis restart, outage or flush cannot revive a revoked token: a lost
stamp is replaced by a new one, and with the database down a session whose copy is no
longer usable is refused (fail closed).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from movierec.accounts.stamps import UserStamps
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


@dataclass(frozen=True, slots=True)
class _Copy:
    until: float
    state: SessionState | None
    stamp: str | None
    epoch: int


class SessionGuard:
    """Checks access tokens against session and account state, with a local copy."""

    def __init__(
        self,
        clock: Clock,
        interval: float,
        stamps: UserStamps | None = None,
        max_age: float = 60.0,
    ) -> None:
        self._clock = clock
        self._interval = interval
        self._stamps = stamps or UserStamps(None)
        self._max_age = max_age
        self._entries: OrderedDict[str, _Copy] = OrderedDict()

    @property
    def stamps(self) -> UserStamps:
        """The users' shared stamps this guard tags its copies with."""
        return self._stamps

    async def check(self, claims: AccessClaims) -> Principal:
        """The caller named by verified ``claims``; :class:`Unauthenticated` if revoked."""
        principal, _ = await self.verify(claims)
        return principal

    async def verify(
        self, claims: AccessClaims, stamp: str | None = None
    ) -> tuple[Principal, str | None]:
        """Like :meth:`check`, with the user's stamp read for it (``None`` without one).

        ``stamp``: the user's stamp when the caller has just read it (in the request's
        rate-limit round trip, :meth:`UserStamps.companion`), else it is read here.
        Replies cached under that stamp are as current as this check.
        """
        if claims.session_id is None:
            raise Unauthenticated("invalid access token")
        if stamp is None:
            stamp = await self._stamps.read(claims.user_id)
        state = await self.state(claims.session_id, stamp)
        if state is None or state.user_id != claims.user_id:
            raise Unauthenticated("this session no longer exists", details={"reason": "revoked"})
        if not state.active:
            raise Unauthenticated("this account is deactivated")
        if state.revoked or state.version != claims.version:
            raise Unauthenticated("access token revoked", details={"reason": "revoked"})
        principal = Principal(
            user_id=claims.user_id,
            username=state.username,
            role="admin" if state.role == "admin" else "user",
            token_id=claims.token_id,
            session_id=claims.session_id,
        )
        return principal, stamp

    def last_seen_live(self, claims: AccessClaims) -> bool:
        """Whether this process's last look at the claims' session found the token good
        (no I/O, whatever the copy's age or stamp): a guess, for choosing whose rate
        limit a request counts against before :meth:`verify` decides."""
        entry = self._entries.get(claims.session_id or "")
        state = entry.state if entry is not None else None
        return (
            state is not None
            and state.user_id == claims.user_id
            and state.active
            and not state.revoked
            and state.version == claims.version
        )

    async def state(self, session_id: str, stamp: str | None = None) -> SessionState | None:
        """The session's state (``None`` when there is no such session): a copy tagged
        with ``stamp`` (the user's stamp, read before this call), else at most
        ``interval`` seconds old."""
        now = self._clock.now()
        epoch = self._stamps.epoch
        entry = self._entries.get(session_id)
        if entry and entry.until > now and entry.stamp == stamp and entry.epoch == epoch:
            return entry.state
        state = await self._load(session_id) if len(session_id) <= 36 else None
        life = self._interval if stamp is None else self._max_age
        if life > 0:
            self._entries[session_id] = _Copy(now + life, state, stamp, epoch)
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

    async def session_ended(self, session_id: str, user_id: int | None) -> None:
        """One session was just revoked (committed): drop this process's copy and renew
        the user's stamp, so every other process reads the database at its next check."""
        self._entries.pop(session_id, None)
        if user_id is not None:
            await self._stamps.touch(user_id)

    async def user_changed(self, user_id: int) -> None:
        """The account changed (committed): drop the local copies of its sessions and
        renew its stamp."""
        stale = [
            sid
            for sid, copy in self._entries.items()
            if copy.state and copy.state.user_id == user_id
        ]
        for sid in stale:
            del self._entries[sid]
        await self._stamps.touch(user_id)
