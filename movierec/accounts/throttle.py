"""Login throttling: repeated failures lock an account name or a client address for a while.

Failures are counted per account name (what was typed, so unknown names are throttled
exactly like real ones and reveal nothing) and per client IP, in the cache backend so
every worker shares the counts. Past the allowance a lock is set whose length doubles
with each further failure, up to the counting window; while it holds, login answers
:class:`~movierec.errors.RateLimited` with the seconds left.
"""

from __future__ import annotations

import hashlib

from movierec.cache import Cache
from movierec.clock import Clock
from movierec.config import Settings
from movierec.errors import RateLimited

__all__ = ["LoginThrottle"]


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class LoginThrottle:
    """Counts failed logins and refuses attempts while locked."""

    def __init__(self, cache: Cache, clock: Clock, settings: Settings) -> None:
        self._cache = cache
        self._clock = clock
        self._window = settings.login_failure_window
        self._lockout = settings.login_lockout
        self._limits = {
            "acct": settings.login_failures_per_account,
            "ip": settings.login_failures_per_ip,
        }

    def _subjects(self, account: str, ip: str | None) -> list[tuple[str, str]]:
        subjects = [("acct", _digest(account.casefold()))]
        if ip:
            subjects.append(("ip", _digest(ip)))
        return subjects

    async def check(self, account: str, ip: str | None) -> None:
        """Raise :class:`RateLimited` while the account name or the IP is locked."""
        now = self._clock.now()
        for kind, subject in self._subjects(account, ip):
            until = await self._cache.get(f"auth:lock:{kind}:{subject}")
            if isinstance(until, int | float) and until > now:
                what = "this account" if kind == "acct" else "this address"
                raise RateLimited(
                    f"too many failed logins for {what}; retry in {until - now:.0f}s",
                    retry_after=until - now,
                    details={"reason": "login_throttled"},
                )

    async def failed(self, account: str, ip: str | None) -> None:
        """Count one failure; lock when past the allowance."""
        for kind, subject in self._subjects(account, ip):
            count = await self._cache.incr(f"auth:fail:{kind}:{subject}", ttl=self._window)
            over = count - self._limits[kind]
            if over >= 0:
                seconds = min(self._window, self._lockout * 2 ** min(over, 16))
                until = self._clock.now() + seconds
                await self._cache.set(f"auth:lock:{kind}:{subject}", until, ttl=seconds)

    async def succeeded(self, account: str) -> None:
        """A successful login clears the account's failure count (not the IP's)."""
        await self._cache.delete(f"auth:fail:acct:{_digest(account.casefold())}")
