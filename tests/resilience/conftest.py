"""Fixtures of the resilience drills: a served app on real services, a user and a token.

The conftest of the resilience drills (``tests/resilience/``). Everything here
runs a real ``python -m movierec_server`` process (see :mod:`helpers.served`) on a
PostgreSQL database of its own and a Redis key prefix of its own.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis as sync_redis

from movierec import MovieRec
from tests.conftest import PG_ADMIN_DSN, RUN_ID, Services
from tests.helpers.background_tmdb import BackgroundTMDb, tmdb_env
from tests.helpers.movielens_catalog import write_movielens
from tests.helpers.served import ServedApp, Stack, create_database, database_dsn, drop_database


def _make_stack(services: Services, home: Path) -> Iterator[Stack]:
    name = create_database(PG_ADMIN_DSN, f"movierec_res_{RUN_ID}")
    prefix = f"mrt-{RUN_ID}:res-{uuid.uuid4().hex[:6]}:"
    stack = Stack(name, database_dsn(PG_ADMIN_DSN, name), services.redis_url, prefix, home)

    async def migrate() -> None:
        # Deploy as an operator would before workers serve: migrate, import a tiny catalog
        # (so /movies/* answer) and publish a model once (servers on PostgreSQL never fit).
        async with MovieRec(stack.settings()) as mr:
            await mr.catalog.import_movielens(write_movielens(home / "movielens"))
            await mr.recommend.fit_model()

    asyncio.run(migrate())
    try:
        yield stack
    finally:
        drop_database(PG_ADMIN_DSN, name)
        client = sync_redis.Redis.from_url(services.redis_url)
        for key in client.scan_iter(match=prefix + "*", count=1000):
            client.delete(key)
        client.close()


@pytest.fixture(scope="module")
def module_stack(services: Services, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack shared by the tests of one module."""
    yield from _make_stack(services, tmp_path_factory.mktemp("stack"))


@pytest.fixture
def stack(services: Services, tmp_path: Path) -> Iterator[Stack]:
    """A stack for one test."""
    yield from _make_stack(services, tmp_path)


def _fake_tmdb() -> Iterator[BackgroundTMDb]:
    fake = BackgroundTMDb()
    try:
        yield fake
    finally:
        fake.close()


@pytest.fixture(scope="module")
def module_tmdb() -> Iterator[BackgroundTMDb]:
    """A fake TMDb shared by the tests of one module."""
    yield from _fake_tmdb()


@pytest.fixture
def tmdb() -> Iterator[BackgroundTMDb]:
    """A fake TMDb for one test (its faults never leak into another)."""
    yield from _fake_tmdb()


def _serve(stack: Stack, fake: BackgroundTMDb, log_dir: Path, workers: int) -> Iterator[ServedApp]:
    app = ServedApp(stack.env(**tmdb_env(fake)), workers=workers, log_path=log_dir / "log")
    app.start()
    try:
        yield app
    finally:
        app.stop()


@pytest.fixture(scope="module")
def served(
    module_stack: Stack,
    module_tmdb: BackgroundTMDb,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[ServedApp]:
    """One served app (single worker) on the module's stack and fake TMDb."""
    yield from _serve(module_stack, module_tmdb, tmp_path_factory.mktemp("served"), 1)


@pytest.fixture(scope="module")
def served_two_workers(
    module_stack: Stack,
    module_tmdb: BackgroundTMDb,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[ServedApp]:
    """Two worker processes on the module's stack and fake TMDb (races across processes)."""
    yield from _serve(module_stack, module_tmdb, tmp_path_factory.mktemp("served"), 2)
