"""One classifier of foreign errors at the library boundary (``movierec.boundary``).

Every exception class asyncpg, Tortoise, redis and aiohttp define must have a decision;
a driver upgrade that adds one without a rule fails here instead of leaking a 500.
"""

from __future__ import annotations

import inspect
import sqlite3
import types

import aiohttp
import asyncpg
import asyncpg.exceptions
import pytest
import redis.exceptions
import tortoise.exceptions
from tortoise.exceptions import DoesNotExist, IntegrityError, OperationalError, ValidationError

from movierec import (
    Conflict,
    InvalidInput,
    MovieRecError,
    NotFound,
    ServiceUnavailable,
    UpstreamError,
    UpstreamUnavailable,
    classify_error,
)
from movierec.accounts import Admin, Audit, Auth, Profiles
from movierec.boundary import decision_for, guarded
from movierec.catalog import Catalog
from movierec.discovery import MovieService
from movierec.favorites import Favorites
from movierec.operations import Jobs, Maintenance, Monitoring
from movierec.recommend import Recommender

FOREIGN = [asyncpg.exceptions, asyncpg.exceptions._base, tortoise.exceptions, redis.exceptions]


def _exception_classes(module: types.ModuleType) -> list[type[BaseException]]:
    return [
        value
        for value in vars(module).values()
        if inspect.isclass(value)
        and issubclass(value, BaseException)
        and not issubclass(value, Warning)
        and value.__module__.split(".")[0] == module.__name__.split(".")[0]
    ]


def _all_foreign_classes() -> list[type[BaseException]]:
    found: set[type[BaseException]] = set()
    for module in FOREIGN:
        found.update(_exception_classes(module))
    found.update(
        value
        for value in vars(aiohttp).values()
        if inspect.isclass(value)
        and issubclass(value, BaseException)
        and not issubclass(value, Warning)
        and value.__module__.startswith("aiohttp")
    )
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def test_the_walk_finds_the_drivers_exception_classes() -> None:
    names = {c.__name__ for c in _all_foreign_classes()}
    assert {"UniqueViolationError", "DoesNotExist", "RedisError", "ClientConnectorError"} <= names
    assert len(names) > 250


@pytest.mark.parametrize(
    "kind", _all_foreign_classes(), ids=lambda c: f"{c.__module__}.{c.__qualname__}"
)
def test_every_foreign_exception_class_has_a_decision(kind: type[BaseException]) -> None:
    assert decision_for(kind) is not None, f"no rule in movierec.boundary.RULES for {kind}"


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (asyncpg.ConnectionDoesNotExistError("closed"), ServiceUnavailable),
        (asyncpg.UniqueViolationError("duplicate key"), Conflict),
        (asyncpg.ForeignKeyViolationError("no such user"), Conflict),
        (asyncpg.CharacterNotInRepertoireError("0x00"), InvalidInput),
        (asyncpg.NumericValueOutOfRangeError("out of range"), InvalidInput),
        (asyncpg.UndefinedTableError('relation "users" does not exist'), ServiceUnavailable),
        (asyncpg.InterfaceError("connection is closed"), ServiceUnavailable),
        (OperationalError("gone"), ServiceUnavailable),
        (IntegrityError("duplicate key"), Conflict),
        (DoesNotExist("no row"), NotFound),
        (ValidationError("username_key: too long"), InvalidInput),
        (sqlite3.OperationalError("database is locked"), ServiceUnavailable),
        (sqlite3.IntegrityError("UNIQUE constraint failed"), Conflict),
        (redis.exceptions.ConnectionError("refused"), ServiceUnavailable),
        (redis.exceptions.TimeoutError("timed out"), ServiceUnavailable),
        (aiohttp.ServerDisconnectedError(), UpstreamUnavailable),
        (aiohttp.ClientPayloadError("truncated"), UpstreamError),
        (ConnectionResetError("reset"), ServiceUnavailable),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, BaseException) else v.__name__,
)
def test_foreign_errors_mean_one_movierec_error(
    error: BaseException, expected: type[MovieRecError]
) -> None:
    translated = classify_error(error)
    assert type(translated) is expected
    assert translated.__cause__ is error


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.PostgresSyntaxError("syntax error at or near"),
        tortoise.exceptions.ConfigurationError("no such app"),
        tortoise.exceptions.MultipleObjectsReturned("two rows"),
        redis.exceptions.DataError("bad argument type"),
        aiohttp.InvalidURL("not a url"),
        KeyError("a bug"),
    ],
    ids=lambda v: type(v).__name__,
)
def test_programming_errors_stay_bugs(error: BaseException) -> None:
    assert classify_error(error) is None


def test_the_database_service_is_named_in_the_details() -> None:
    cache = classify_error(redis.exceptions.ConnectionError("refused"))
    database = classify_error(asyncpg.ConnectionDoesNotExistError("closed"))
    assert cache is not None
    assert cache.details == {"service": "cache", "cause": "ConnectionError"}
    assert database is not None
    assert database.details == {"service": "database", "cause": "ConnectionDoesNotExistError"}


def test_a_wrapper_is_judged_by_the_driver_error_inside_it() -> None:
    refused = asyncpg.CharacterNotInRepertoireError('invalid byte sequence for "UTF8": 0x00')
    wrapped = OperationalError(str(refused))
    wrapped.__cause__ = refused
    assert isinstance(classify_error(wrapped), InvalidInput)


def test_a_bug_raised_while_handling_a_failure_stays_a_bug() -> None:
    bug = KeyError("a bug in the handler")
    bug.__context__ = asyncpg.ConnectionDoesNotExistError("closed")
    assert classify_error(bug) is None


def test_a_movierec_error_passes_through_unchanged() -> None:
    error = NotFound("no such movie")
    assert classify_error(error) is error


async def test_guarded_services_let_only_movierec_errors_out() -> None:
    @guarded
    class Service:
        async def lost(self) -> None:
            raise asyncpg.ConnectionDoesNotExistError("closed")

        async def bug(self) -> None:
            raise KeyError("bug")

    with pytest.raises(ServiceUnavailable):
        await Service().lost()
    with pytest.raises(KeyError):
        await Service().bug()


@pytest.mark.parametrize(
    "service",
    [
        *(Auth, Profiles, Admin, Audit, Catalog, MovieService, Favorites, Recommender),
        *(Monitoring, Maintenance, Jobs),
    ],
    ids=lambda c: c.__name__,
)
def test_every_service_is_guarded(service: type) -> None:
    public = [
        member
        for name, member in vars(service).items()
        if not name.startswith("_") and inspect.iscoroutinefunction(member)
    ]
    assert public, f"{service.__name__} has no public coroutine methods"
    unguarded = [m.__name__ for m in public if getattr(m, "__wrapped__", None) is None]
    assert not unguarded, f"{service.__name__}: {unguarded}"
