"""Reads asked for during one event-loop turn share one round trip.

Every signed-in request reads its user's stamp (:mod:`movierec.accounts.stamps`) first,
and under load a worker's event loop starts many requests in one turn: each paying
redis-py's whole command path (pool checkout, retry wrapper, timeouts) for one small
``GET`` was the largest single cost of a warm signed-in request. Here the first read of
a turn schedules one fetch for the start of the next turn; every read asked for until
then joins it (each key once), and each caller gets its key's value.

A read is as fresh as one of its own: it joins only a fetch that has not been sent yet,
so Redis reads the value after the caller asked for it (a write that completed before a
read was asked for is always seen by that read). A read asked for once the fetch has
gone out waits for the next one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

__all__ = ["TurnReads"]

Fetch = Callable[[Sequence[str]], Awaitable[list[Any]]]


class TurnReads:
    """Batch :meth:`get` calls made in one event-loop turn into one ``fetch(keys)``.

    ``fetch`` returns one value per key, in order (``RedisCache.get_many``); what it
    raises, every read of that batch raises.
    """

    def __init__(self, fetch: Fetch) -> None:
        self._fetch = fetch
        self._pending: dict[str, list[asyncio.Future[Any]]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        """The loop the pending batch's fetch is scheduled on."""
        self._fetching: set[asyncio.Task[None]] = set()
        self.fetches = 0
        """Batches sent so far (for tests and stats)."""

    async def get(self, key: str) -> Any:
        """The value under ``key``, read by the next batch."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[Any] = loop.create_future()
        if not self._pending or loop is not self._loop:
            # A batch left by a loop that stopped before sending it is that loop's.
            self._pending, self._loop = {}, loop
            task = loop.create_task(self._send())
            self._fetching.add(task)
            task.add_done_callback(self._fetching.discard)
        waiters = self._pending.get(key)
        if waiters is None:
            self._pending[key] = [waiter]
        else:
            waiters.append(waiter)
        return await waiter

    async def _send(self) -> None:
        batch, self._pending = self._pending, {}
        self.fetches += 1
        try:
            values = await self._fetch(list(batch))
        except asyncio.CancelledError:  # the loop is shutting down
            for waiters in batch.values():
                for waiter in waiters:
                    waiter.cancel()
            raise
        except Exception as exc:
            for waiters in batch.values():
                for waiter in waiters:
                    if not waiter.done():
                        waiter.set_exception(exc)
            return
        for value, waiters in zip(values, batch.values(), strict=True):
            for waiter in waiters:
                if not waiter.done():  # a caller that gave up (cancelled) is skipped
                    waiter.set_result(value)
