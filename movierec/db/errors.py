"""Database failures as movierec errors, translated at the service boundary.

A dropped connection, a server restart or a driver in a bad state must reach callers as
:class:`~movierec.errors.ServiceUnavailable` (HTTP 503, CLI exit 9), never as a raw
driver exception (HTTP 500). A unique-constraint violation that escapes a service is a
:class:`~movierec.errors.Conflict`. Decorate a service's public coroutine methods::

    @translate_db_errors
    async def get(self, ...) -> ...:
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

import asyncpg
from asyncpg.exceptions import _base as asyncpg_base
from tortoise.exceptions import (
    DBConnectionError,
    IntegrityError,
    OperationalError,
    TransactionManagementError,
)

from movierec.errors import Conflict, ServiceUnavailable

__all__ = ["DATABASE_ERRORS", "translate_db_errors"]

P = ParamSpec("P")
T = TypeVar("T")

DATABASE_ERRORS: tuple[type[BaseException], ...] = (
    DBConnectionError,
    OperationalError,
    TransactionManagementError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg_base.InternalClientError,
    sqlite3.Error,
    ConnectionError,
    TimeoutError,
)


def translate_db_errors(func: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """Re-raise database failures from ``func`` as movierec errors."""

    @functools.wraps(func)
    async def translated(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return await func(*args, **kwargs)
        except IntegrityError as exc:
            raise Conflict("the change conflicts with existing data") from exc
        except DATABASE_ERRORS as exc:
            raise ServiceUnavailable(
                "the database is unavailable; try again shortly",
                details={"cause": type(exc).__name__},
            ) from exc

    return translated
