"""A database connection lost mid-request is a 503 ``service_unavailable``, never a 500."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from tortoise.exceptions import IntegrityError, OperationalError, ValidationError

from movierec import Conflict, InvalidInput, MovieRec, ServiceUnavailable, classify_error
from movierec.db.models import User
from movierec_server.errors import response_for
from tests.conftest import PG_ADMIN_DSN


def is_connection_failure(exc: BaseException) -> bool:
    return isinstance(classify_error(exc), ServiceUnavailable)


def test_connection_failures_are_recognised_through_wrappers() -> None:
    lost = asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation")
    wrapped = OperationalError("query failed")
    wrapped.__cause__ = lost
    assert is_connection_failure(lost)
    assert is_connection_failure(wrapped)
    assert is_connection_failure(ConnectionRefusedError(111, "refused"))
    mid_reset = asyncpg.InternalClientError(
        "cannot switch to state 12; another operation (2) is in progress"
    )
    assert is_connection_failure(mid_reset)
    assert isinstance(classify_error(IntegrityError("duplicate key")), Conflict)
    assert classify_error(ValueError("bad")) is None


def test_the_server_answers_a_lost_connection_with_503_service_unavailable() -> None:
    response = response_for(asyncpg.ConnectionDoesNotExistError("closed mid-operation"))
    assert response.status == 503
    assert b'"service_unavailable"' in (response.body or b"")


def test_a_value_no_column_can_hold_is_invalid_input_not_a_500() -> None:
    response = response_for(ValidationError("username_key: Length of '000…' 320 > 32"))
    assert response.status == 400
    assert b'"invalid_input"' in (response.body or b"")


def test_a_value_postgresql_refuses_as_data_is_invalid_input() -> None:
    refused = asyncpg.CharacterNotInRepertoireError('invalid byte sequence for "UTF8": 0x00')
    wrapped = OperationalError(str(refused))
    wrapped.__cause__ = refused
    response = response_for(wrapped)
    assert response.status == 400
    assert b'"invalid_input"' in (response.body or b"")
    assert b"UTF8" not in (response.body or b"")  # the driver's message stays in the server
    assert b"0x00" not in (response.body or b"")


@pytest.mark.services_only
async def test_a_text_with_a_nul_character_is_refused_by_postgresql_as_invalid_input(
    mr: MovieRec,
) -> None:
    if mr.db.kind != "postgres":
        pytest.skip("SQLite stores NUL characters")
    with pytest.raises(Exception) as caught:
        await User.get_or_none(username_key="a\x00b")
    assert isinstance(classify_error(caught.value), InvalidInput)


@pytest.mark.services_only
async def test_a_query_killed_mid_flight_becomes_service_unavailable_and_the_next_one_works(
    mr: MovieRec,
) -> None:
    database = mr.settings.resolved_database_url.rsplit("/", 1)[-1]

    async def kill_the_sleeper() -> None:
        conn = await asyncpg.connect(PG_ADMIN_DSN)
        try:
            for _ in range(50):
                killed = await conn.fetch(  # this run's database only: other runs sleep too
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 "
                    "AND query LIKE 'SELECT pg_sleep(2.5)%' AND pid <> pg_backend_pid()",
                    database,
                )
                if killed:
                    return
                await asyncio.sleep(0.05)
        finally:
            await conn.close()

    killer = asyncio.create_task(kill_the_sleeper())
    with pytest.raises(Exception) as caught:
        await mr.db.connection().execute_query("SELECT pg_sleep(2.5)")
    await killer
    translated = classify_error(caught.value)
    assert isinstance(translated, ServiceUnavailable)
    assert await User.all().count() == 0
