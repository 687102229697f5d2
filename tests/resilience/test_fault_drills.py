"""Fault drills on a served app with the real services: break a dependency under load.

Redis is reached through a proxy the drill cuts or stalls; PostgreSQL connections of
the app's own database are killed with ``pg_terminate_backend``. Throughout, every
request must get an answer (no connection errors, no 500), and the app must come back
by itself, without a restart.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from tests.conftest import PG_ADMIN_DSN
from tests.helpers.background_proxy import BackgroundProxy
from tests.helpers.background_tmdb import BackgroundTMDb, tmdb_env
from tests.helpers.factories import HttpAccount, http_account
from tests.helpers.served import ServedApp, Stack
from tests.helpers.spec_walk import operations
from tests.helpers.traffic import Traffic, failures, summary

pytestmark = pytest.mark.services_only


def get_paths(base_url: str, *, secured: bool) -> list[str]:
    """Every documented GET, filled with valid parameters (admin routes left out)."""
    spec = httpx.get(base_url + "/openapi.json").json()
    paths = []
    for op in operations(spec):
        if op.method != "GET" or op.secured != secured or op.path.startswith("/admin"):
            continue
        query = "&".join(f"{k}={v}" for k, v in op.query().items())
        paths.append(op.url() + (f"?{query}" if query else ""))
    return paths


def wait_for(predicate: Any, timeout: float = 10.0) -> bool:
    """Poll ``predicate`` until it is true or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def ready_status(app: ServedApp) -> str:
    return str(httpx.get(app.url + "/ready", timeout=10).json()["status"])


@pytest.fixture
def app_via_proxy(
    stack: Stack, redis_proxy: BackgroundProxy, tmp_path: Path
) -> Iterator[ServedApp]:
    """Two workers whose Redis goes through the proxy."""
    app = ServedApp(
        stack.env(MOVIEREC_REDIS_URL=redis_proxy.url), workers=2, log_path=tmp_path / "log"
    )
    app.start()
    yield app
    app.stop()


def start_traffic(app: ServedApp) -> list[Traffic]:
    """Public traffic and signed-in traffic, over every documented GET."""
    public, secured = get_paths(app.url, secured=False), get_paths(app.url, secured=True)
    assert public, "the spec documents no public GET"
    assert secured, "the spec documents no signed-in GET"
    account: HttpAccount = http_account(app.url)
    return [
        Traffic(app.url, public, threads=3).start(),
        Traffic(app.url, secured, account.headers, threads=2).start(),
    ]


def stop_traffic(traffic: list[Traffic]) -> list[Any]:
    return [outcome for t in traffic for outcome in t.stop()]


@pytest.mark.parametrize("outage", ["cut", "stall"])
def test_a_redis_outage_under_load_degrades_and_recovers_without_a_restart(
    app_via_proxy: ServedApp, redis_proxy: BackgroundProxy, outage: str
) -> None:
    app = app_via_proxy
    traffic = start_traffic(app)
    time.sleep(1.0)
    getattr(redis_proxy, outage)()
    assert wait_for(lambda: ready_status(app) == "degraded"), "never reported degraded"
    time.sleep(1.5)
    during = sum(len(t.outcomes) for t in traffic)
    redis_proxy.start()
    assert wait_for(lambda: ready_status(app) == "ok", timeout=15), "never recovered"
    time.sleep(1.0)
    outcomes = stop_traffic(traffic)
    assert len(outcomes) > during > 20, summary(outcomes)
    assert not failures(outcomes), summary(outcomes)
    slow = [(o.path, o.status, round(o.seconds, 1)) for o in outcomes if o.seconds > 5]
    assert not slow, f"requests hung during the outage: {slow}"
    assert app.process is not None
    assert app.process.poll() is None


async def _kill_connections(database: str) -> int:
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        rows = await conn.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = $1 AND pid <> pg_backend_pid()",
            database,
        )
        return len(rows)
    finally:
        await conn.close()


def kill_connections(stack: Stack) -> int:
    """Terminate every connection to the stack's own database; returns how many."""
    return asyncio.run(_kill_connections(stack.database))


@pytest.fixture
def app_on_stack(stack: Stack, tmdb: BackgroundTMDb, tmp_path: Path) -> Iterator[ServedApp]:
    app = ServedApp(stack.env(**tmdb_env(tmdb)), workers=1, log_path=tmp_path / "log")
    app.start()
    yield app
    app.stop()


def test_killed_database_connections_are_replaced_on_the_next_request(
    app_on_stack: ServedApp, stack: Stack
) -> None:
    app = app_on_stack
    assert ready_status(app) == "ok"
    assert kill_connections(stack) >= 1
    answers = [httpx.get(app.url + "/ready", timeout=10) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200], [a.text for a in answers]
    assert answers[-1].json()["database"]["ok"] is True


def test_killing_database_connections_under_load_never_answers_500(
    app_on_stack: ServedApp, stack: Stack
) -> None:
    app = app_on_stack
    traffic = start_traffic(app)
    for _ in range(5):
        time.sleep(0.4)
        kill_connections(stack)
    time.sleep(0.5)
    mark = [t.mark() for t in traffic]
    time.sleep(1.0)
    outcomes = stop_traffic(traffic)
    bad = [o for o in failures(outcomes) if not (o.status == 503 and o.code)]
    assert not bad, summary(outcomes)
    after = [o for t, m in zip(traffic, mark, strict=True) for o in t.since(m)]
    assert after, summary(outcomes)
    assert not failures(after), f"not recovered: {summary(after)}"


# --- TMDb misbehaving

TMDB_LIMITS = {
    "MOVIEREC_TMDB_TIMEOUT": "1",
    "MOVIEREC_TMDB_MAX_RETRIES": "1",
    "MOVIEREC_TMDB_RETRY_BUDGET": "3",
    "MOVIEREC_TTL_TRENDING": "1",
}


@pytest.fixture
def app_on_tmdb(stack: Stack, tmdb: BackgroundTMDb, tmp_path: Path) -> Iterator[ServedApp]:
    """A served app with short TMDb timeouts and a 1 s trending TTL."""
    app = ServedApp(stack.env(**tmdb.env(), **TMDB_LIMITS), log_path=tmp_path / "log")
    app.start()
    yield app
    app.stop()


def _timed_get(url: str) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = httpx.get(url, timeout=30)
    return response, time.monotonic() - started


def test_tmdb_down_serves_the_stale_copy_and_refuses_the_rest_clearly(
    app_on_tmdb: ServedApp, tmdb: BackgroundTMDb
) -> None:
    warm = httpx.get(app_on_tmdb.url + "/movies/trending", timeout=30)
    assert warm.status_code == 200, warm.text
    time.sleep(1.5)  # past the 1 s TTL: only a stale copy is left
    tmdb.fake.fail_next(1000, status=503)
    stale, _ = _timed_get(app_on_tmdb.url + "/movies/trending")
    assert stale.status_code == 200, stale.text
    assert (stale.json()["stale"], stale.json()["cached"]) == (True, True)
    assert stale.json()["items"] == warm.json()["items"]
    fresh, seconds = _timed_get(app_on_tmdb.url + "/movies/search?q=never-cached")
    assert fresh.status_code == 503, fresh.text
    assert fresh.json()["error"]["code"] == "upstream_unavailable"
    assert seconds < 5


def test_tmdb_too_slow_is_a_clear_503_within_the_retry_budget(
    app_on_tmdb: ServedApp, tmdb: BackgroundTMDb
) -> None:
    tmdb.fake.slow(30)
    response, seconds = _timed_get(app_on_tmdb.url + "/movies/search?q=slow")
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "upstream_unavailable"
    assert seconds < 3 + 2  # the retry budget, plus slack for a loaded machine
