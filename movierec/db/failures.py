"""Recognise database failures that are not bugs: a lost connection, or a bad value.

A connection killed mid-query (``pg_terminate_backend``, a database restart, a network
cut) surfaces as a raw asyncpg error, a Tortoise wrapper around one, or a socket error,
depending on where it hit. :func:`as_service_unavailable` turns each of those into
:class:`~movierec.errors.ServiceUnavailable` (HTTP 503), so a frontend's error boundary
answers "try again" instead of a 500. Idle connections killed between requests are
replaced by the pool on the next checkout, so only requests in flight see the error.

A value PostgreSQL refuses as data (SQLSTATE class 22: a NUL character in text, a number
out of range) came from the caller: :func:`as_invalid_input` makes it a 400.
"""

from __future__ import annotations

import asyncpg
from tortoise.exceptions import DBConnectionError, OperationalError

from movierec.errors import InvalidInput, ServiceUnavailable

__all__ = ["as_invalid_input", "as_service_unavailable", "is_connection_failure"]

_CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    # A connection killed while asyncpg resets it for the pool leaves it mid-operation:
    # "cannot switch to state 12; another operation is in progress".
    asyncpg.InternalClientError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.InsufficientResourcesError,
    asyncpg.exceptions.CannotConnectNowError,
    DBConnectionError,
    ConnectionError,
)


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and everything it wraps, outermost first."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def is_connection_failure(exc: BaseException) -> bool:
    """True when ``exc`` (or what it wraps) says the database connection is gone."""
    return any(
        isinstance(e, _CONNECTION_ERRORS)
        or (isinstance(e, OperationalError) and "connection" in str(e).lower())
        for e in _chain(exc)
    )


def as_invalid_input(exc: BaseException) -> InvalidInput | None:
    """The :class:`InvalidInput` for a value the database refused as data, or ``None``."""
    refused = next((e for e in _chain(exc) if isinstance(e, asyncpg.DataError)), None)
    if refused is None:
        return None
    error = InvalidInput(f"a value cannot be stored or searched: {refused}")
    error.__cause__ = exc
    return error


def as_service_unavailable(exc: BaseException) -> ServiceUnavailable | None:
    """The :class:`ServiceUnavailable` to raise instead of ``exc``, or ``None``."""
    if not is_connection_failure(exc):
        return None
    error = ServiceUnavailable(
        "the database connection was lost; try again", details={"service": "database"}
    )
    error.__cause__ = exc
    return error
