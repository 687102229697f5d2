"""One ``GET`` on a fresh connection, for a process that reads the cache once and exits.

Importing redis-py (``redis.asyncio`` loads the whole client, cluster and sentinel
included) costs a short-lived process such as ``movierec trending`` more than the rest
of its start-up together. :func:`get_once` speaks the few RESP2 commands one read needs
(``AUTH``, ``SELECT``, ``GET``) over an asyncio stream, for the plain address forms:
``redis://[[user]:password@]host[:port][/db]`` and ``unix://[[user]:password@]/path[?db=N]``.
Anything else (TLS, other query options) is :data:`UNSUPPORTED`, and the caller reads
through :class:`~movierec.cache.redis.RedisCache` as before. Servers keep redis-py: this
is for a single read, not a client.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import Final
from urllib.parse import parse_qs, unquote, urlsplit

from movierec.errors import ServiceUnavailable

__all__ = ["TIMEOUT", "UNSUPPORTED", "get_once"]

UNSUPPORTED: Final = object()
"""What :func:`get_once` returns for an address it does not speak to."""

TIMEOUT = 2.0
"""Seconds a read may take, connecting included (:class:`RedisCache`'s default too)."""


@dataclass(frozen=True, slots=True)
class _Address:
    host: str | None
    port: int
    path: str | None
    username: str | None
    password: str | None
    db: int


def _address(url: str) -> _Address | None:
    """The plain forms of a Redis URL, else ``None``."""
    try:
        parts = urlsplit(url)
        port = parts.port or 6379
    except ValueError:
        return None
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if username is not None and password is None:
        return None  # redis-py's own reading of a user without a password
    if parts.scheme == "redis" and not parts.query and not parts.fragment:
        db = parts.path.strip("/") or "0"
        if not db.isdigit():
            return None
        return _Address(parts.hostname or "localhost", port, None, username, password, int(db))
    if parts.scheme == "unix" and parts.path and not parts.fragment:
        query = parse_qs(parts.query, keep_blank_values=True)
        if set(query) - {"db"} or len(query.get("db", ["0"])) != 1:
            return None
        db = query.get("db", ["0"])[0]
        if not db.isdigit():
            return None
        return _Address(None, 0, unquote(parts.path), username, password, int(db))
    return None


def _command(*words: str | bytes) -> bytes:
    encoded = [word.encode() if isinstance(word, str) else word for word in words]
    return b"".join([b"*%d\r\n" % len(encoded), *(b"$%d\r\n%s\r\n" % (len(w), w) for w in encoded)])


async def _reply(reader: asyncio.StreamReader) -> bytes | None:
    """One simple-string or bulk reply (``None`` for a nil); a server error raises."""
    line = await reader.readuntil(b"\r\n")
    kind, body = line[:1], line[1:-2]
    if kind == b"+":
        return body
    if kind == b"$":
        size = int(body)
        if size < 0:
            return None
        return (await reader.readexactly(size + 2))[:-2]
    if kind == b"-":
        raise ServiceUnavailable(f"redis: {body.decode(errors='replace')}")
    raise ServiceUnavailable(f"redis: unexpected reply {line[:40]!r}")


async def _get(address: _Address, key: str) -> bytes | None:
    if address.path is not None:
        reader, writer = await asyncio.open_unix_connection(address.path)
    else:
        reader, writer = await asyncio.open_connection(address.host, address.port)
    try:
        commands: list[bytes] = []
        if address.password is not None:
            user = [address.username] if address.username else []
            commands.append(_command("AUTH", *user, address.password))
        if address.db:
            commands.append(_command("SELECT", str(address.db)))
        writer.write(b"".join([*commands, _command("GET", key)]))  # one round trip
        await writer.drain()
        for _ in commands:
            await _reply(reader)
        return await _reply(reader)
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


async def get_once(url: str, key: str) -> bytes | object | None:
    """The raw value under ``key`` (``None`` if absent), or :data:`UNSUPPORTED`.

    A connection or protocol failure, a server error (a wrong password, a wrong type)
    or :data:`TIMEOUT` seconds passing raise :class:`ServiceUnavailable`, as
    :class:`~movierec.cache.redis.RedisCache` does.
    """
    address = _address(url)
    if address is None:
        return UNSUPPORTED
    try:
        async with asyncio.timeout(TIMEOUT):
            return await _get(address, key)
    except (OSError, EOFError, ValueError, asyncio.LimitOverrunError, TimeoutError) as exc:
        raise ServiceUnavailable(f"redis: {exc or type(exc).__name__}") from exc
