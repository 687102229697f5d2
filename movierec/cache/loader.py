"""Read-through caching with single-flight and stale-on-error.

``N`` concurrent misses of one key run the loader once: in one process through a
shared future, across processes (Redis backend) through a short lock key that other
processes wait on. Values are stored in an envelope ``{"v": value, "t": fresh_until}``
and kept ``stale_ttl`` seconds past freshness, so an upstream outage can be answered
with the last good copy, marked stale.

:meth:`CachedLoader.refresh_ahead` lets a scheduled job reload entries that are about
to expire (cache pre-warming), so readers never meet a miss; a failed reload keeps the
current copy.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from movierec.cache.base import Cache
from movierec.clock import Clock, SystemClock
from movierec.errors import MovieRecError, ServiceUnavailable, UpstreamError

__all__ = ["CachedLoader", "Loaded", "Stored", "stored"]

Loader = Callable[[], Awaitable[Any]]
_refresh_ahead: ContextVar[float] = ContextVar("movierec_refresh_ahead", default=0.0)


@dataclass(frozen=True, slots=True)
class Loaded:
    """A value and how it was obtained."""

    value: Any
    cached: bool
    stale: bool = False


@dataclass(frozen=True, slots=True)
class Stored:
    """A cache entry the loader wrote: the value and when it stops being fresh."""

    value: Any
    fresh_until: float

    def fresh_at(self, now: float) -> bool:
        """True while ``now`` is before :attr:`fresh_until`."""
        return self.fresh_until > now


def stored(raw: object) -> Stored | None:
    """A raw cache value as the loader's envelope ``{"v": value, "t": fresh_until}``, or
    ``None`` when it is not one (another writer's value, a damaged entry)."""
    if isinstance(raw, dict) and "v" in raw and isinstance(raw.get("t"), int | float):
        return Stored(raw["v"], float(raw["t"]))
    return None


class CachedLoader:
    """``get_or_load`` over any :class:`~movierec.cache.Cache`."""

    def __init__(
        self,
        cache: Cache,
        clock: Clock | None = None,
        *,
        lock_ttl: float = 15.0,
        poll_interval: float = 0.02,
    ) -> None:
        self.cache = cache
        self.clock = clock or SystemClock()
        self.lock_ttl = lock_ttl
        self.poll_interval = poll_interval
        self._inflight: dict[str, asyncio.Future[Loaded]] = {}

    @staticmethod
    @contextlib.contextmanager
    def refresh_ahead(seconds: float) -> Iterator[None]:
        """Within this block, entries fresh for less than ``seconds`` more are reloaded."""
        token = _refresh_ahead.set(max(0.0, seconds))
        try:
            yield
        finally:
            _refresh_ahead.reset(token)

    async def _read(self, key: str) -> Stored | None:
        try:
            return stored(await self.cache.get(key))
        except ServiceUnavailable:
            return None

    async def get_or_load(
        self,
        key: str,
        loader: Loader,
        ttl: float,
        *,
        stale_ttl: float = 0.0,
        stale_on: tuple[type[BaseException], ...] = (UpstreamError,),
    ) -> Loaded:
        """The fresh cached value, or the loader's result (stored), or a stale copy.

        ``stale_on`` lists the loader errors that fall back to a stale copy when one
        exists; otherwise the error propagates.
        """
        entry = await self._read(key)
        if entry is not None and entry.fresh_at(self.clock.now() + _refresh_ahead.get()):
            return Loaded(entry.value, cached=True)
        pending = self._inflight.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[Loaded] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            result = await self._load(key, loader, ttl, stale_ttl, stale_on, entry)
        except BaseException as exc:
            if not future.done():
                future.set_exception(exc)
                future.exception()  # mark retrieved: waiters re-raise it themselves
            raise
        else:
            future.set_result(result)
            return result
        finally:
            self._inflight.pop(key, None)

    async def _load(
        self,
        key: str,
        loader: Loader,
        ttl: float,
        stale_ttl: float,
        stale_on: tuple[type[BaseException], ...],
        entry: Stored | None,
    ) -> Loaded:
        lock_key = f"lock:{key}"
        locked = False
        if self.cache.distributed:
            locked = await self._try_lock(lock_key)
            if not locked:
                waited = await self._wait_for_other_process(key)
                if waited is not None:
                    return waited
        try:
            try:
                value = await loader()
            except stale_on:
                if entry is not None:
                    return Loaded(entry.value, cached=True, stale=True)
                raise
            with contextlib.suppress(ServiceUnavailable):  # uncached is still an answer
                await self.cache.set(
                    key, {"v": value, "t": self.clock.now() + ttl}, ttl + stale_ttl
                )
            return Loaded(value, cached=False)
        finally:
            if locked:
                with contextlib.suppress(MovieRecError):
                    await self.cache.delete(lock_key)

    async def _try_lock(self, lock_key: str) -> bool:
        try:
            return await self.cache.add(lock_key, 1, self.lock_ttl)
        except ServiceUnavailable:
            return False

    async def _wait_for_other_process(self, key: str) -> Loaded | None:
        """Another process holds the lock: wait for its value, up to the lock's life."""
        deadline = asyncio.get_running_loop().time() + self.lock_ttl
        while asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(self.poll_interval)
            entry = await self._read(key)
            if entry is not None and entry.fresh_at(self.clock.now()):
                return Loaded(entry.value, cached=True)
            try:
                if await self.cache.get(f"lock:{key}") is None:
                    # The holder stores the value, then releases the lock: read once more,
                    # or a release between our two reads makes us load it a second time.
                    entry = await self._read(key)
                    if entry is not None and entry.fresh_at(self.clock.now()):
                        return Loaded(entry.value, cached=True)
                    return None
            except ServiceUnavailable:
                return None
        return None
