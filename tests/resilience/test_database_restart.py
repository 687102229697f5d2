"""A PostgreSQL restart under load: a few seconds of 503s at most, then answers again.

The server runs on a private PostgreSQL cluster (see :mod:`helpers.private_pg`) that the
test stops and starts; the shared cluster is never touched.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.helpers.factories import http_account
from tests.helpers.private_pg import PrivateCluster, available
from tests.helpers.served import JWT_SECRET, ServedApp
from tests.helpers.traffic import Traffic, failures, summary

RECOVERY_BUDGET = 3.0
"""Seconds after the database accepts connections again within which 503s must stop."""


@pytest.fixture
def cluster() -> Iterator[PrivateCluster]:
    problem = available()
    if problem:
        pytest.skip(problem)
    with PrivateCluster() as pg:

        async def create() -> None:
            conn = await asyncpg.connect(pg.dsn)
            try:
                await conn.execute('CREATE DATABASE "movierec"')
            finally:
                await conn.close()

        asyncio.run(create())
        yield pg


def ready(app: ServedApp) -> int:
    return httpx.get(app.url + "/ready", timeout=10).status_code


@pytest.mark.parametrize("mode", ["fast", pytest.param("immediate", marks=pytest.mark.slow)])
def test_a_postgres_restart_gives_at_most_a_few_seconds_of_503s(
    cluster: PrivateCluster, tmp_path: Path, mode: str
) -> None:
    env = {
        "MOVIEREC_DATABASE_URL": cluster.dsn.rsplit("/", 1)[0] + "/movierec",
        "MOVIEREC_DATA_DIR": str(tmp_path / "data"),
        "MOVIEREC_CONFIG_DIR": str(tmp_path / "config"),
        "MOVIEREC_JWT_SECRET": JWT_SECRET,
        "MOVIEREC_BCRYPT_ROUNDS": "4",
        "MOVIEREC_TMDB_BASE_URL": "http://127.0.0.1:9/3",
        "MOVIEREC_RATE_LIMIT_ANONYMOUS": "1000000/minute",
        "MOVIEREC_RATE_LIMIT_USER": "1000000/minute",
    }
    app = ServedApp(env, workers=2, log_path=tmp_path / "log")
    app.start()
    try:
        account = http_account(app.url)
        headers = {"Authorization": f"Bearer {account.access_token}"}
        traffic = Traffic(app.url, ["/favorites", "/me", "/ready"], headers, threads=4).start()
        time.sleep(1.0)
        cluster.stop(mode)
        time.sleep(1.5)
        down = ready(app)
        cluster.start()  # returns once it accepts connections
        back = traffic.mark()
        time.sleep(RECOVERY_BUDGET)
        settled = traffic.mark()
        time.sleep(3.0)
        outcomes = traffic.stop()
    finally:
        app.stop()
    assert down == 503
    after = outcomes[settled:]
    assert len(after) > 20, summary(outcomes)
    assert not failures(after), (
        f"still failing {RECOVERY_BUDGET}s after the restart: {summary(after)}"
    )
    assert not [o for o in outcomes[back:] if o.error], summary(outcomes[back:])
