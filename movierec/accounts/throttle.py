"""Login throttling: an allowance of attempts per account and per client address.

Attempts are counted per *resolved account* (the user id a name or email refers to,
however it was spelled, padded or cased) and per client IP, in the coordination store
so every worker shares the counts and no cache operation resets them. Locks are rows in
the database (``login_locks``): rare writes, and a Redis restart does not lift them. A name that
refers to no account is counted under its normalised form, so unknown names are
throttled like real ones.

Each attempt is *reserved* before the password is checked (an atomic increment): of a
burst of concurrent attempts only the allowance gets to bcrypt, the rest wait for those
to end (a failure that locks refuses them; a success frees the allowance). Attempt
numbers are unique, so exactly the first ``allowance`` get through. The attempt that
uses up the allowance, failing, sets a lock whose length doubles with
every further failure (up to the counting window); once a lock has passed, exactly one
attempt (the winner of an atomic add on a slot named after that lock) may try again.
A success clears the account's count (not the address's).
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from dataclasses import dataclass

from movierec.clock import Clock
from movierec.config import Settings
from movierec.coordination import CoordinationStore
from movierec.db.models import LoginLock
from movierec.errors import RateLimited

__all__ = ["LoginThrottle", "Reservation", "Taken", "login_name_key"]


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def login_name_key(identifier: str) -> str:
    """The throttle subject of a name that refers to no account: as the lookup reads it."""
    return "name:" + _digest(identifier.strip().casefold())


IN_FLIGHT_WAIT = 5.0
"""Seconds an attempt waits while the allowance is taken by attempts still being checked."""
IN_FLIGHT_POLL = 0.05


class _Busy(Exception):
    """The allowance is taken by attempts in flight (no lock yet): wait and try again."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


@dataclass(frozen=True, slots=True)
class Taken:
    """One attempt taken from one allowance."""

    kind: str
    subject: str
    number: int
    retry_slot: str | None


@dataclass(frozen=True, slots=True)
class Reservation:
    """The attempts taken by one login, one per allowance (account, address)."""

    taken: tuple[Taken, ...]


class LoginThrottle:
    """Reserves login attempts, counts failures and locks past the allowance."""

    def __init__(self, store: CoordinationStore, clock: Clock, settings: Settings) -> None:
        self._store = store
        self._clock = clock
        self._window = settings.login_failure_window
        self._lockout = settings.login_lockout
        self._limits = {
            "acct": settings.login_failures_per_account,
            "ip": settings.login_failures_per_ip,
        }

    @staticmethod
    def _subjects(account: str, ip: str | None) -> list[tuple[str, str]]:
        subjects = [("acct", _digest(account))]
        if ip:
            subjects.append(("ip", _digest(ip)))
        return subjects

    def _refuse(self, kind: str, seconds: float) -> RateLimited:
        what = "this account" if kind == "acct" else "this address"
        return RateLimited(
            f"too many failed logins for {what}; retry in {seconds:.0f}s",
            retry_after=seconds,
            details={"reason": "login_throttled"},
        )

    @staticmethod
    async def _lock(kind: str, subject: str) -> tuple[float, int] | None:
        """``(until, level)`` of the latest lock, expired or not (level 0, 1, 2... doubles)."""
        row = await LoginLock.get_or_none(subject=f"{kind}:{subject}")
        return None if row is None else (row.until, row.attempt)

    async def reserve(self, account: str, ip: str | None) -> Reservation:
        """Take one attempt from the account's and the address's allowance.

        ``account`` is ``"user:<id>"`` for a real account, else :func:`login_name_key`.
        Raises :class:`RateLimited` while either is locked. While the allowance is taken
        by attempts still being checked, waits (up to :data:`IN_FLIGHT_WAIT` seconds) for
        them to end: their failure locks (refused), their success frees the allowance.
        """
        deadline = time.monotonic() + IN_FLIGHT_WAIT
        while True:
            try:
                return await self._reserve_once(account, ip)
            except _Busy as busy:
                if time.monotonic() >= deadline:
                    raise self._refuse(busy.kind, float(self._lockout)) from None
                await asyncio.sleep(IN_FLIGHT_POLL)

    async def _reserve_once(self, account: str, ip: str | None) -> Reservation:
        now = self._clock.now()
        subjects = self._subjects(account, ip)
        for kind, subject in subjects:
            lock = await self._lock(kind, subject)
            if lock is not None and lock[0] > now:
                raise self._refuse(kind, lock[0] - now)
        taken: list[Taken] = []
        for kind, subject in subjects:
            number = await self._store.incr(f"login:fail:{kind}:{subject}", ttl=self._window)
            slot: str | None = None
            if number > self._limits[kind]:
                # Past the allowance: only the first attempt after a lock has passed.
                lock = await self._lock(kind, subject)
                if lock is None:
                    await self._release(taken)
                    raise _Busy(kind)
                if lock[0] <= self._clock.now():
                    slot = f"login:retry:{kind}:{subject}:{lock[1]}:{lock[0]!r}"
                    if not await self._store.add(slot, 1, ttl=2 * self._window):
                        slot = None
                if slot is None:
                    await self._release(taken)
                    raise self._refuse(kind, max(1.0, lock[0] - self._clock.now()))
            taken.append(Taken(kind, subject, number, slot))
        return Reservation(tuple(taken))

    async def _release(self, taken: list[Taken]) -> None:
        # Counts are never given back (a decrement would let a later attempt of the
        # same burst in); only a retry slot is.
        for item in taken:
            if item.retry_slot is not None:
                await self._store.delete(item.retry_slot)

    async def failed(self, reservation: Reservation) -> None:
        """The reserved attempt failed: lock the allowances it used up."""
        for item in reservation.taken:
            if item.number >= self._limits[item.kind] or item.retry_slot is not None:
                previous = await self._lock(item.kind, item.subject)
                level = 0 if previous is None else previous[1] + 1
                seconds = min(self._window, self._lockout * 2 ** min(level, 16))
                lock = LoginLock(
                    subject=f"{item.kind}:{item.subject}",
                    until=self._clock.now() + seconds,
                    attempt=level,
                )
                await LoginLock.bulk_create(
                    [lock], on_conflict=["subject"], update_fields=["until", "attempt"]
                )

    async def succeeded(self, account: str) -> None:
        """A successful login clears the account's count and lock (not the address's)."""
        subject = _digest(account)
        await self._store.delete(f"login:fail:acct:{subject}")
        await LoginLock.filter(subject=f"acct:{subject}").delete()
