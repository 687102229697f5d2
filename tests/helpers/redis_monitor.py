"""Count the commands Redis receives, with ``MONITOR``: structural round-trip budgets."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from redis import asyncio as aioredis

__all__ = ["redis_commands"]


@contextlib.asynccontextmanager
async def redis_commands(url: str, prefix: str) -> AsyncIterator[list[str]]:
    """Every command Redis receives on keys under ``prefix`` during the block (MONITOR)."""
    seen: list[str] = []
    marker = f"{prefix}end-of-block"
    ready = asyncio.Event()
    client = aioredis.Redis.from_url(url)

    async def watch() -> None:
        async with client.monitor() as monitor:
            ready.set()
            async for entry in monitor.listen():
                command = str(entry.get("command", ""))
                if marker in command:
                    return
                if prefix in command and entry.get("client_type") != "lua":
                    seen.append(command)  # a round trip (not a call inside a script)

    watcher = asyncio.create_task(watch())
    await asyncio.wait_for(ready.wait(), 10)
    await asyncio.sleep(0.05)  # MONITOR is registered once its reply is read
    try:
        yield seen
    finally:
        await client.get(marker)
        await asyncio.wait_for(watcher, 10)
        await client.aclose()
