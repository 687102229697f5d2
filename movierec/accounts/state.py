"""What token checks need to know about a user, kept cheap: the cache first, then the row.

Every authenticated request needs "is this account still active, what is its role and
token version, and was this token logged out". Those answers live in the cache backend
(Redis: shared by every worker, invalidated on every change; in-process: per process,
so kept only briefly in case another process, such as the CLI, changed the account).
A logged-out access token's ``jti`` is deny-listed in the same backend until it expires.
"""

from __future__ import annotations

from dataclasses import dataclass

from movierec.cache import Cache
from movierec.db.models import User

__all__ = ["UserState", "UserStates"]

SHARED_TTL = 300.0  # Redis: every change deletes the entry, so this only bounds memory
LOCAL_TTL = 5.0  # in-process: other processes cannot invalidate it, so keep it short


@dataclass(frozen=True, slots=True)
class UserState:
    """The token-relevant facts of one account."""

    username: str
    role: str
    active: bool
    version: int


class UserStates:
    """Cached account states and the access-token deny list."""

    def __init__(self, cache: Cache) -> None:
        self._cache = cache
        self._ttl = SHARED_TTL if cache.distributed else LOCAL_TTL

    @staticmethod
    def _key(user_id: int) -> str:
        return f"auth:user:{user_id}"

    async def get(self, user_id: int) -> UserState | None:
        """The state of ``user_id``, or ``None`` when the account does not exist."""
        cached = await self._cache.get(self._key(user_id))
        if isinstance(cached, dict):
            return UserState(**cached)
        user = await User.get_or_none(id=user_id)
        if user is None:
            return None
        state = UserState(user.username, user.role, user.is_active, user.token_version)
        await self._cache.set(
            self._key(user_id),
            {
                "username": state.username,
                "role": state.role,
                "active": state.active,
                "version": state.version,
            },
            ttl=self._ttl,
        )
        return state

    async def forget(self, user_id: int) -> None:
        """Drop the cached state after the account changed."""
        await self._cache.delete(self._key(user_id))

    async def deny(self, token_id: str, ttl: float) -> None:
        """Refuse the access token ``token_id`` for ``ttl`` seconds (its remaining life)."""
        if ttl > 0:
            await self._cache.set(f"auth:deny:{token_id}", 1, ttl=ttl)

    async def is_denied(self, token_id: str) -> bool:
        """True when ``token_id`` was logged out."""
        return await self._cache.get(f"auth:deny:{token_id}") is not None
