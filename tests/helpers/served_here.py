"""An app served in the test's own process and event loop, on a real loopback socket.

The worker's own protocol (:class:`~movierec_server.draining.DrainingHttpProtocol`) answers,
as under ``movierec serve``, while the test keeps its hands on the app and its
``MovieRec``: counters, the hot map, the connections. Clients speak raw HTTP/1.1 over a
socket (:func:`exchange`), so the reply's bytes are what the server wrote.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from sanic import Sanic
from sanic.application.state import ApplicationServerInfo
from sanic.http.constants import HTTP

from movierec_server import draining


@dataclass(frozen=True)
class Reply:
    """One HTTP/1.1 reply as the server wrote it."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        """The value of the one header called ``name`` (any case), or ``None``."""
        values = [value for key, value in self.headers if key.lower() == name.lower()]
        assert len(values) <= 1, (name, self.headers)
        return values[0] if values else None

    def multiset(self) -> list[tuple[str, str]]:
        """The headers as a sorted list of (lower-case name, value)."""
        return sorted((key.lower(), value) for key, value in self.headers)


@dataclass
class Served:
    """Where the app listens and what it serves through."""

    app: Sanic[Any, Any]
    port: int
    server: Any

    async def exchange(self, *requests: bytes) -> list[Reply]:
        """Send ``requests`` (raw heads, one after the other on one kept-alive
        connection) and read one reply to each."""
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        try:
            replies = []
            for request in requests:
                writer.write(request)
                await writer.drain()
                replies.append(await asyncio.wait_for(read_reply(reader), 10))
            return replies
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    async def get(self, path: str, **headers: str) -> Reply:
        """One ``GET`` on a connection of its own."""
        [reply] = await self.exchange(request_head("GET", path, headers))
        return reply


def request_head(method: str, path: str, headers: dict[str, str] | None = None) -> bytes:
    """A request head; ``X_Request_ID="a"`` style names turn ``_`` into ``-``."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def read_reply(reader: asyncio.StreamReader) -> Reply:
    """Read one reply with a ``Content-Length`` body."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
    status_line, *lines = head[:-4].split("\r\n")
    headers = [(name, value.strip()) for name, value in (line.split(":", 1) for line in lines)]
    length = int(next(value for name, value in headers if name.lower() == "content-length"))
    body = await reader.readexactly(length)
    return Reply(int(status_line.split(" ")[1]), headers, body)


@contextlib.asynccontextmanager
async def served_here(app: Sanic[Any, Any]) -> AsyncIterator[Served]:
    """Serve ``app`` on a free loopback port for the block, as one worker does.

    Sanic's test mode is on meanwhile, as sanic-testing's clients have it: each app's
    start-up then rewrites Sanic's request cycle (its "touch-up") from the original code,
    so several apps can start in one process.
    """
    test_mode, Sanic.test_mode = Sanic.test_mode, True
    try:
        async with _serving(app) as served:
            yield served
    finally:
        Sanic.test_mode = test_mode


@contextlib.asynccontextmanager
async def _serving(app: Sanic[Any, Any]) -> AsyncIterator[Served]:
    draining.install(app)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = int(sock.getsockname()[1])
    server: Any = await app.create_server(
        sock=sock,
        protocol=draining.DrainingHttpProtocol,
        return_asyncio_server=True,
        access_log=False,
    )
    assert server is not None
    # What ``app.prepare`` records for a worker: with one HTTP version served, Sanic's
    # start-up drops its empty ``alt-svc`` placeholder header, as it does in a worker.
    app.state.server_info.append(
        ApplicationServerInfo(
            settings={
                "version": HTTP.VERSION_1,
                "host": "127.0.0.1",
                "port": port,
                "ssl": None,
                "unix": None,
            }
        )
    )
    await server.startup()
    await server.before_start()  # create_server has started listening already
    await server.after_start()
    try:
        yield Served(app, port, server)
    finally:
        await server.before_stop()
        close = server.close()
        for connection in list(server.connections):
            connection.close()
        if close is not None:
            await close
        await server.after_stop()
        sock.close()
