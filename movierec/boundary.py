"""The library boundary: one classifier of foreign errors, and the decorators that apply it.

Drivers and clients raise their own exceptions: asyncpg, Tortoise, sqlite3, redis, aiohttp,
the socket layer. None of them may leave a service: :func:`classify_error` decides, for each,
which :class:`~movierec.errors.MovieRecError` it means to a caller:

- a lost or refused connection, a server restarting, a schema not there yet:
  :class:`ServiceUnavailable` (503, "try again"), with the failing service in ``details``;
- a value the database refuses as data (SQLSTATE class 22, a Tortoise validation error):
  :class:`InvalidInput` (400), since it came from the caller;
- a unique or foreign-key violation: :class:`Conflict` (409);
- a row that does not exist: :class:`NotFound` (404);
- an upstream HTTP failure: :class:`UpstreamUnavailable` / :class:`UpstreamError` (502);
- everything else (a programming error: bad SQL, a misused API): ``None``, so the frontend's
  boundary reports an internal error and logs the traceback.

The decision is made per exception class, walking its MRO to the nearest class in
:data:`RULES`; ``tests`` walk every class asyncpg, Tortoise, redis and aiohttp define and
fail on one without a decision. A wrapper (Tortoise's ``OperationalError`` around an asyncpg
error) is decided by the most specific decision in its cause chain.
"""

from __future__ import annotations

import functools
import inspect
import sqlite3
from collections.abc import Callable, Coroutine
from typing import Any, Literal, ParamSpec, TypeVar

import aiohttp
import asyncpg
import redis.exceptions as redis_errors
import tortoise.exceptions as orm

from movierec.errors import (
    Conflict,
    InvalidInput,
    MovieRecError,
    NotFound,
    ServiceUnavailable,
    UpstreamError,
    UpstreamUnavailable,
)

__all__ = ["BUG", "RULES", "classify_error", "decision_for", "guarded", "translate_errors"]

P = ParamSpec("P")
R = TypeVar("R")
C = TypeVar("C", bound=type)

Translate = Callable[[BaseException], MovieRecError]
Decision = Translate | Literal["bug"]
BUG: Literal["bug"] = "bug"
"""The decision for exceptions that mean a programming error: reported as internal."""


def _service(exc: BaseException) -> str:
    module = type(exc).__module__
    if module.startswith("redis"):
        return "cache"
    if module.startswith("aiohttp"):
        return "upstream"
    if module.startswith(("asyncpg", "tortoise", "sqlite3")):
        return "database"
    return "system"


def _unavailable(exc: BaseException) -> MovieRecError:
    service = _service(exc)
    what = {"database": "the database", "cache": "the cache", "upstream": "an upstream service"}
    subject = what.get(service, "a backing service")
    return ServiceUnavailable(
        f"{subject} is unavailable; try again shortly",
        details={"service": service, "cause": type(exc).__name__},
    )


def _invalid(exc: BaseException) -> MovieRecError:
    # The driver's own text (which can quote the query, the column or the value) is never
    # shown to a client: only the kind of refusal.
    return InvalidInput(
        "a value cannot be stored or searched", details={"cause": type(exc).__name__}
    )


def _conflict(exc: BaseException) -> MovieRecError:
    return Conflict("the change conflicts with existing data")


def _not_found(exc: BaseException) -> MovieRecError:
    return NotFound("no such record")


def _upstream_unavailable(exc: BaseException) -> MovieRecError:
    return UpstreamUnavailable(f"an upstream service is unreachable ({type(exc).__name__})")


def _upstream_error(exc: BaseException) -> MovieRecError:
    return UpstreamError(f"an upstream service answered badly ({type(exc).__name__})")


RULES: dict[type[BaseException], Decision] = {
    # --- the operating system and the socket layer, whoever raised it
    OSError: _unavailable,
    ConnectionError: _unavailable,
    TimeoutError: _unavailable,
    # --- sqlite3
    sqlite3.Error: BUG,
    sqlite3.OperationalError: _unavailable,  # locked, disk I/O, no such table yet
    sqlite3.DatabaseError: _unavailable,
    sqlite3.IntegrityError: _conflict,
    sqlite3.DataError: _invalid,
    sqlite3.ProgrammingError: BUG,
    sqlite3.InterfaceError: BUG,
    sqlite3.NotSupportedError: BUG,
    # --- asyncpg: the server's SQLSTATE classes, then the client's own errors
    asyncpg.PostgresError: _unavailable,
    asyncpg.DataError: _invalid,
    asyncpg.IntegrityConstraintViolationError: _conflict,
    asyncpg.SyntaxOrAccessError: BUG,
    asyncpg.UndefinedTableError: _unavailable,  # not migrated yet
    asyncpg.InsufficientPrivilegeError: _unavailable,
    asyncpg.InterfaceError: _unavailable,
    asyncpg.InternalClientError: _unavailable,
    asyncpg.exceptions.ClientConfigurationError: BUG,
    asyncpg.exceptions.UnsupportedClientFeatureError: BUG,
    asyncpg.exceptions.UnsupportedServerFeatureError: BUG,
    asyncpg.exceptions.TargetServerAttributeNotMatched: _unavailable,
    # --- Tortoise ORM
    orm.BaseORMException: BUG,
    orm.DBConnectionError: _unavailable,
    orm.OperationalError: _unavailable,
    orm.TransactionManagementError: _unavailable,
    orm.IntegrityError: _conflict,
    orm.DoesNotExist: _not_found,
    orm.ObjectDoesNotExistError: _not_found,
    orm.ValidationError: _invalid,
    orm.MultipleObjectsReturned: BUG,
    orm.NotExistOrMultiple: BUG,
    orm.IncompleteInstanceError: BUG,
    orm.NoValuesFetched: BUG,
    # --- redis
    redis_errors.RedisError: _unavailable,
    redis_errors.DataError: BUG,
    redis_errors.RedisClusterException: _unavailable,
    redis_errors.ChildDeadlockedError: BUG,
    redis_errors.IncorrectPolicyType: BUG,
    # --- aiohttp (the TMDb client translates its own; these are the ones that escape it)
    aiohttp.ClientError: _upstream_unavailable,
    aiohttp.ClientResponseError: _upstream_error,
    aiohttp.ClientPayloadError: _upstream_error,
    aiohttp.InvalidURL: BUG,
    aiohttp.NonHttpUrlClientError: BUG,
    aiohttp.RedirectClientError: _upstream_error,
    aiohttp.WebSocketError: BUG,
    aiohttp.WSMessageTypeError: BUG,
    aiohttp.EofStream: BUG,
}
"""Exception class -> decision; a class not listed takes its nearest listed ancestor's."""


def decision_for(kind: type[BaseException]) -> Decision | None:
    """The decision for an exception class, or ``None`` when no rule covers it."""
    for ancestor in kind.__mro__:
        if ancestor in RULES:
            return RULES[ancestor]
    return None


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and what it wraps, outermost first."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def classify_error(exc: BaseException) -> MovieRecError | None:
    """The :class:`MovieRecError` that ``exc`` means to a caller; ``None`` for a bug.

    A :class:`MovieRecError` is returned as it is. For a foreign error the deepest
    exception of its cause chain that has a decision other than "bug" decides (so a
    Tortoise wrapper is judged by the driver error inside it); the chain is followed only
    through exceptions the rules know, so a bug raised while handling a failure stays a bug.
    """
    if isinstance(exc, MovieRecError):
        return exc
    chosen: tuple[Translate, BaseException] | None = None
    for link in _chain(exc):
        if isinstance(link, MovieRecError):
            break
        decision = decision_for(type(link))
        if decision is None:
            break
        if decision != BUG:
            assert callable(decision)
            chosen = (decision, link)
    if chosen is None:
        return None
    translate, link = chosen
    error = translate(link)
    error.__cause__ = exc
    return error


def translate_errors(
    call: Callable[P, Coroutine[Any, Any, R]],
) -> Callable[P, Coroutine[Any, Any, R]]:
    """Decorate a coroutine function so foreign errors leave it as :class:`MovieRecError`."""

    @functools.wraps(call)
    async def translated(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await call(*args, **kwargs)
        except MovieRecError:
            raise
        except Exception as exc:
            error = classify_error(exc)
            if error is None:
                raise
            raise error from exc

    return translated


def guarded(cls: C) -> C:
    """Class decorator: apply :func:`translate_errors` to every public coroutine method.

    Put it on each service class: whatever its methods call, callers see only
    :class:`MovieRecError` (or, for a bug, the original exception).
    """
    for name, member in list(vars(cls).items()):
        if name.startswith("_") or not inspect.iscoroutinefunction(member):
            continue
        setattr(cls, name, translate_errors(member))
    return cls
