"""A one-route aiohttp server on 127.0.0.1 serving bytes, counting requests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web


@dataclass
class ServedFile:
    """What the server sends, and how often it was asked."""

    body: bytes
    status: int = 200
    requests: int = 0
    url: str = ""


@asynccontextmanager
async def serve_file(served: ServedFile, path: str = "/ml-latest-small.zip") -> AsyncIterator[str]:
    """Serve ``served.body`` at ``path``; yields the URL."""

    async def handler(request: web.Request) -> web.Response:
        served.requests += 1
        return web.Response(body=served.body, status=served.status)

    app = web.Application()
    app.router.add_get(path, handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    served.url = f"http://127.0.0.1:{port}{path}"
    try:
        yield served.url
    finally:
        await runner.cleanup()
