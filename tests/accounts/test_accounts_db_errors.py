"""Database failures reach callers as ServiceUnavailable (HTTP 503), never a raw 500."""

from __future__ import annotations

import sqlite3
from typing import Any

import asyncpg
import pytest
from tortoise.exceptions import IntegrityError, OperationalError

from movierec import Conflict, MovieRec, ServiceUnavailable
from movierec.boundary import translate_errors
from movierec_server import create_app
from tests.helpers.factories import PASSWORD, bearer, signed_in


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("gone"),
        asyncpg.InterfaceError("connection is closed"),
        asyncpg.exceptions._base.InternalClientError("another operation is in progress"),
        sqlite3.OperationalError("database is locked"),
        ConnectionResetError("reset"),
    ],
)
async def test_driver_failures_become_service_unavailable(error: Exception) -> None:
    @translate_errors
    async def failing() -> None:
        raise error

    with pytest.raises(ServiceUnavailable) as caught:
        await failing()
    assert caught.value.__cause__ is error


async def test_an_escaping_unique_violation_is_a_conflict() -> None:
    @translate_errors
    async def failing() -> None:
        raise IntegrityError("duplicate key")

    with pytest.raises(Conflict):
        await failing()


async def test_a_broken_users_table_is_a_503_over_http(mr: MovieRec) -> None:
    pair = await signed_in(mr, "alice")
    app = create_app(movierec=mr)
    connection: Any = mr.db.connection()
    await connection.execute_script("ALTER TABLE users RENAME TO users_away")
    try:
        _, me = await app.asgi_client.get("/me", headers=bearer(pair.access_token))
        _, log_in = await app.asgi_client.post(
            "/auth/login", json={"username": "alice", "password": PASSWORD}
        )
    finally:
        await connection.execute_script("ALTER TABLE users_away RENAME TO users")
    assert log_in.status == 503
    assert log_in.json["error"]["code"] == "service_unavailable"
    assert me.status == 503
    assert me.json["error"]["code"] == "service_unavailable"
