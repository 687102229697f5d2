"""Migrations run once per database, however many processes start on it at once."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from movierec.db.database import Database
from tests.conftest import PG_ADMIN_DSN, RUN_ID
from tests.helpers.served import create_database, database_dsn, drop_database


@pytest.fixture
def empty_database(backend: str, tmp_path: Path) -> Iterator[str]:
    """The URL of a database with no tables yet, on this test's backend."""
    if backend == "embedded":
        yield f"sqlite://{tmp_path}/fresh.sqlite3"
        return
    name = create_database(PG_ADMIN_DSN, f"movierec_mig_{RUN_ID}")
    try:
        yield database_dsn(PG_ADMIN_DSN, name)
    finally:
        drop_database(PG_ADMIN_DSN, name)


async def test_concurrent_migrators_on_an_empty_database_apply_each_migration_once(
    empty_database: str,
) -> None:
    databases = [Database(empty_database) for _ in range(4)]
    for database in databases:
        await database.open(migrate=False)
    try:
        applied = await asyncio.gather(*(database.migrate() for database in databases))
        pending = await databases[0].pending_migrations()
    finally:
        for database in databases:
            await database.close()
    assert pending == []
    winners = [names for names in applied if names]
    assert len(winners) == 1, applied
    assert "0001_initial" in winners[0]
