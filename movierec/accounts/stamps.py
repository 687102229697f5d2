"""User stamps: one shared value per user that changes whenever the user's state does.

Signed-in requests are the hot path of the API, and almost everything they read about a
user changes rarely: whether the login session is live, the account's role and status,
the favorites, the preferences, the cached recommendations. Each worker keeps copies of
those (the session check, encoded reply bytes) tagged with the user's *stamp*, a random
value kept in Redis under the coordination prefix (``stamp:<user id>``). A request reads
the stamp once (one ``GET``, shared with the other reads the worker asks for in the same
event-loop turn: :mod:`movierec.cache.turnreads`) and uses a copy only when it carries
that same stamp.

Every change commits in the database first, then writes a new random stamp
(:meth:`UserStamps.touch`). A reader reads the stamp *before* it reads the database, so a
copy is never tagged with a stamp newer than the data it holds: the first request after a
change, in any worker, misses and reads the database. Losing the key (a flush, an
eviction, its one-day expiry) cannot revive anything: a missing stamp is replaced by a
fresh random one, which no copy carries.

Bounds, documented in docs/security.md: when the stamp cannot be written (Redis failing
at that moment), other workers may go on using their copies for at most
``Settings.user_state_max_age`` seconds; while Redis is unreachable no stamp is trusted
(the session check falls back to ``revocation_check_interval`` and replies are read
from the database). Without Redis there are no stamps: one process cannot vouch for the
others.
"""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING

import orjson

from movierec.cache.breaker import Breaker
from movierec.cache.turnreads import TurnReads
from movierec.cache.window import Companion
from movierec.errors import ServiceUnavailable

if TYPE_CHECKING:
    from movierec.cache.redis import RedisCache

__all__ = ["UserStamps"]

logger = logging.getLogger("movierec.accounts")

STAMP_TTL = 24 * 3600.0
STAMP_TTL_MS = int(STAMP_TTL * 1000)


def _key(user_id: int) -> str:
    return f"stamp:{user_id}"


def _fresh_json() -> bytes:
    """A new random stamp as the JSON bytes :class:`~movierec.cache.RedisCache` stores."""
    return orjson.dumps(secrets.token_hex(8))


class UserStamps:
    """Read and renew the users' shared stamps (no-ops without Redis)."""

    def __init__(self, shared: RedisCache | None, *, retry_after: float = 2.0) -> None:
        self._shared = shared
        self._reads = None if shared is None else TurnReads(shared.get_many)
        self._breaker = Breaker(retry_after)
        self.epoch = 0
        """Grows at every failure seen here: copies tagged before it are not trusted."""

    @property
    def enabled(self) -> bool:
        """True when stamps are shared (Redis configured)."""
        return self._shared is not None

    def _failed(self, exc: Exception) -> None:
        self.epoch += 1
        if self._breaker.failure():
            logger.warning("user stamps unavailable: %s", exc)

    async def read(self, user_id: int) -> str | None:
        """The user's current stamp; ``None`` when there is none a copy may be tagged with
        (no Redis, Redis failing, or another process created it a moment ago)."""
        shared, reads = self._shared, self._reads
        if shared is None or reads is None or not self._breaker.allow():
            return None
        key = _key(user_id)
        try:
            stamp = await reads.get(key)  # with the other reads of this loop turn
            if stamp is None:
                fresh = secrets.token_hex(8)
                # Created before the caller reads the database, so safe to tag with.
                return fresh if await shared.add(key, fresh, STAMP_TTL) else None
        except ServiceUnavailable as exc:
            self._failed(exc)
            return None
        self._breaker.success()
        return str(stamp)

    def companion(self, user_id: int) -> Companion | None:
        """The user's stamp as a key another script reads in its own round trip (the
        request's rate limit: :meth:`movierec.cache.RateLimiter.check`), created as a
        fresh stamp when missing, as :meth:`read` does; ``None`` without Redis or while it
        fails (then :meth:`read` decides). Pass what was read to :meth:`accept`."""
        shared = self._shared
        if shared is None or self._breaker.open:
            return None
        return Companion(shared.prefix + _key(user_id), _fresh_json, STAMP_TTL_MS)

    def accept(self, raw: bytes) -> str:
        """The stamp a :meth:`companion` read returned (Redis answered it)."""
        self._breaker.success()
        return str(orjson.loads(raw))

    async def touch(self, user_id: int) -> None:
        """Give the user a new stamp: call after a change has committed."""
        shared = self._shared
        if shared is None:
            return
        try:
            await shared.set(_key(user_id), secrets.token_hex(8), STAMP_TTL)
        except ServiceUnavailable as exc:
            self._failed(exc)
