"""Recognise a lost or refused database connection, whatever layer reports it.

A connection killed mid-query (``pg_terminate_backend``, a database restart, a network
cut) surfaces as a raw asyncpg error, a Tortoise wrapper around one, or a socket error,
depending on where it hit. :func:`as_service_unavailable` turns each of those into
:class:`~movierec.errors.ServiceUnavailable` (HTTP 503), so a frontend's error boundary
answers "try again" instead of a 500. Idle connections killed between requests are
replaced by the pool on the next checkout, so only requests in flight see the error.
"""

from __future__ import annotations

import asyncpg
from tortoise.exceptions import DBConnectionError, OperationalError

from movierec.errors import ServiceUnavailable

__all__ = ["as_service_unavailable", "is_connection_failure"]

_CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.InsufficientResourcesError,
    asyncpg.exceptions.CannotConnectNowError,
    DBConnectionError,
    ConnectionError,
)


def is_connection_failure(exc: BaseException) -> bool:
    """True when ``exc`` (or what it wraps) says the database connection is gone."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _CONNECTION_ERRORS):
            return True
        if isinstance(current, OperationalError) and "connection" in str(current).lower():
            return True
        current = current.__cause__ or current.__context__
    return False


def as_service_unavailable(exc: BaseException) -> ServiceUnavailable | None:
    """The :class:`ServiceUnavailable` to raise instead of ``exc``, or ``None``."""
    if not is_connection_failure(exc):
        return None
    error = ServiceUnavailable(
        "the database connection was lost; try again", details={"service": "database"}
    )
    error.__cause__ = exc
    return error
