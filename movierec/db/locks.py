"""One migrator at a time per database, across processes and hosts.

Several processes starting at once on an empty database (server workers, a second host,
``movierec db migrate`` run by hand) would each create the tables and all but one fail
with "table already exists". :func:`migration_lock` serialises them: a PostgreSQL
session-level advisory lock, or an exclusive ``flock`` on a file next to a SQLite
database. The second migrator waits, then finds nothing left to apply.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

__all__ = ["MIGRATION_LOCK_KEY", "migration_lock", "sqlite_path"]

MIGRATION_LOCK_KEY = 0x6D6F76726563  # "movrec": the advisory lock id every migrator takes


def sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite://`` URL, or ``None`` for an in-memory database."""
    path = url.removeprefix("sqlite://").split("?", 1)[0]
    if not path or path == ":memory:":
        return None
    return Path(path).expanduser()


@contextlib.asynccontextmanager
async def _advisory_lock(connection: Any) -> AsyncIterator[None]:
    async with connection.acquire_connection() as raw:
        await raw.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
        try:
            yield
        finally:
            # A lost connection releases a session lock by itself.
            with contextlib.suppress(Exception):
                await raw.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)


@contextlib.asynccontextmanager
async def _file_lock(path: Path) -> AsyncIterator[None]:
    fd = await asyncio.to_thread(os.open, f"{path}.migrate-lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        await asyncio.to_thread(fcntl.flock, fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextlib.asynccontextmanager
async def migration_lock(url: str, connection: Any) -> AsyncIterator[None]:
    """Hold the database's migration lock for the enclosed block.

    ``connection`` is the Tortoise client of the database (PostgreSQL holds the lock on
    one of its pooled connections; the migration itself runs on the others).
    """
    if not url.startswith("sqlite://"):
        async with _advisory_lock(connection):
            yield
        return
    path = sqlite_path(url)
    if path is None:  # in-memory: private to this process, nothing to share
        yield
        return
    async with _file_lock(path):
        yield
