"""Database failures of the catalog become :class:`~movierec.errors.ServiceUnavailable`.

A killed connection or a database restart surfaces from Tortoise, asyncpg or the socket
layer; callers (and the frontends' error mapping) only ever see ``ServiceUnavailable``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

from tortoise.exceptions import BaseORMException, DoesNotExist, IntegrityError

from movierec.db.errors import DATABASE_ERRORS as SHARED_DATABASE_ERRORS
from movierec.errors import ServiceUnavailable

__all__ = ["DATABASE_ERRORS", "translate_database_errors"]

P = ParamSpec("P")
R = TypeVar("R")

DATABASE_ERRORS: tuple[type[BaseException], ...] = (
    *SHARED_DATABASE_ERRORS,
    BaseORMException,
    OSError,
)
"""The shared list of :mod:`movierec.db.errors`, plus any Tortoise error and socket errors
(catalog reads have no integrity rules to report as ``Conflict``)."""


def translate_database_errors(
    call: Callable[P, Coroutine[Any, Any, R]],
) -> Callable[P, Coroutine[Any, Any, R]]:
    """Decorate an async method so database failures raise ``ServiceUnavailable``."""

    @functools.wraps(call)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await call(*args, **kwargs)
        except (DoesNotExist, IntegrityError):
            raise
        except DATABASE_ERRORS as exc:
            raise ServiceUnavailable(f"the catalog database failed: {exc}") from exc

    return wrapper
