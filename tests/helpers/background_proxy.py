"""A :class:`~helpers.tcp_proxy.TcpProxy` on its own event loop thread, with a stall mode.

A served app is another process, so the proxy between it and Redis must keep running
while the test blocks on HTTP calls: it lives on a background thread. ``stall()`` is
the nastier outage: connections are accepted but nothing gets through (a black hole,
as with a dead host or a full network buffer), so only timeouts save the caller.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any

from tests.helpers.tcp_proxy import TcpProxy


class StallingProxy(TcpProxy):
    """A TCP proxy that can also swallow traffic instead of refusing it."""

    def __init__(self, target_host: str, target_port: int) -> None:
        super().__init__(target_host, target_port)
        self.stalled = False

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.stalled:
            self._writers.add(writer)
            while self.stalled and not writer.is_closing():
                await reader.read(65536)  # read and drop; never answer
                await asyncio.sleep(0.01)
            writer.transport.abort()
            return
        await super()._handle(reader, writer)

    async def stall(self) -> None:
        """Drop every open connection; new ones are accepted but never answered."""
        self.stalled = True
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()


class BackgroundProxy:
    """Runs a :class:`StallingProxy` on a private event loop thread."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self.proxy = StallingProxy(target_host, target_port)

    def _run(self, coro: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(10)

    @property
    def url(self) -> str:
        """A redis:// URL through the proxy."""
        return self.proxy.url

    def start(self) -> None:
        """Listen and forward (again, on the same port, after a cut or stall)."""
        self.proxy.stalled = False
        if self.proxy._server is None:
            self._run(self.proxy.start())

    def cut(self) -> None:
        """Refuse connections and reset the open ones."""
        self._run(self.proxy.cut())

    def stall(self) -> None:
        """Accept connections but let nothing through."""
        self._run(self.proxy.stall())

    def close(self) -> None:
        """Stop the proxy and its thread."""
        self.proxy.stalled = False
        self._run(self.proxy.cut())
        self._run(_cancel_pending())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()


async def _cancel_pending() -> None:
    tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
