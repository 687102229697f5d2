"""Fixtures that build real objects on real backends.

Every test that takes ``settings``/``mr`` runs twice: on the embedded backend (SQLite +
in-process cache) and on the services running on this machine (PostgreSQL + Redis).
Each test session gets its own PostgreSQL database (created and dropped) and each test
its own Redis key prefix, so runs never collide. With ``MOVIEREC_REQUIRE_SERVICES=1``
(``.ci/run`` sets it) a missing service fails the run instead of skipping.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg
import pytest
import pytest_asyncio
import redis as sync_redis
from sanic import Sanic

from movierec import MovieRec, Settings
from movierec.clock import Clock

if TYPE_CHECKING:
    from tests.helpers.background_proxy import BackgroundProxy
    from tests.helpers.private_redis import PrivateRedis

REQUIRE_SERVICES = os.environ.get("MOVIEREC_REQUIRE_SERVICES", "") == "1"
PG_ADMIN_DSN = os.environ.get("MOVIEREC_TEST_PG", "postgres://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("MOVIEREC_TEST_REDIS", "redis://127.0.0.1:6379/0")
RUN_ID = uuid.uuid4().hex[:10]
START_HINT = (
    "start them with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start; "
    'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no'
)


#: Workers for a plain ``python -m pytest``: the suite mostly waits (app start-ups, servers,
#: sleeps), so three processes on two cores measured best. ``-n0``/``-p no:xdist`` run in one.
DEFAULT_WORKERS = 3


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """Run on ``DEFAULT_WORKERS`` xdist workers unless ``-n`` is given, xdist is off or ``--pdb``.

    Set here rather than in ``addopts`` so that ``-p no:xdist`` still works. ``loadgroup``
    keeps a module's tests together in chunks (module fixtures build once a chunk) and runs
    tests marked ``xdist_group`` on one worker.
    """
    if not config.pluginmanager.has_plugin("xdist") or hasattr(config, "workerinput"):
        return
    if config.option.numprocesses is None and not config.option.usepdb:
        config.option.numprocesses = DEFAULT_WORKERS
        if config.option.dist == "no":
            config.option.dist = "loadgroup"


def pytest_configure(config: pytest.Config) -> None:
    """An xdist worker starts with ``COLUMNS=80 LINES=24`` set; a serial run has neither.

    Rich reads them once, when the CLI's console is built on import, so a test's own
    ``COLUMNS`` would be ignored on a worker. Each worker drops them, as a serial run sees.
    """
    if hasattr(config, "workerinput"):
        for name in ("COLUMNS", "LINES"):
            os.environ.pop(name, None)


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's shell never changes a test."""
    for name in list(os.environ):
        if name.startswith(("MOVIEREC_", "TMDB_")) and name != "MOVIEREC_REQUIRE_SERVICES":
            monkeypatch.delenv(name, raising=False)


def _pg_dsn(database: str) -> str:
    return PG_ADMIN_DSN.rsplit("/", 1)[0] + "/" + database


def _service_problem() -> str | None:
    try:
        client = sync_redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        client.ping()
        client.close()
    except Exception as exc:
        return f"Redis at {REDIS_URL} is not reachable ({exc})"

    async def probe() -> None:
        conn = await asyncpg.connect(PG_ADMIN_DSN, timeout=2)
        await conn.close()

    try:
        asyncio.run(probe())
    except Exception as exc:
        return f"PostgreSQL at {PG_ADMIN_DSN} is not reachable ({exc})"
    return None


@dataclass(frozen=True)
class Services:
    """Where the real services are for this run."""

    database_url: str
    redis_url: str


@pytest.fixture(scope="session")
def services() -> Iterator[Services]:
    """A fresh PostgreSQL database for this run (dropped after), and the Redis URL."""
    problem = _service_problem()
    if problem:
        message = f"{problem}; {START_HINT}"
        if REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)
    name = f"movierec_test_{RUN_ID}"

    async def create() -> None:
        conn = await asyncpg.connect(PG_ADMIN_DSN)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    async def drop() -> None:
        conn = await asyncpg.connect(PG_ADMIN_DSN)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(create())
    try:
        yield Services(database_url=_pg_dsn(name), redis_url=REDIS_URL)
    finally:
        asyncio.run(drop())
        client = sync_redis.Redis.from_url(REDIS_URL)
        for pattern in (f"mrt-{RUN_ID}:*", f"coord:mrt-{RUN_ID}:*"):
            for key in client.scan_iter(match=pattern, count=1000):
                client.delete(key)
        client.close()


def redis_host_port(url: str) -> tuple[str, int]:
    """The host and port of a ``redis://host:port/db`` URL (for a proxy in front of it)."""
    netloc = url.split("//", 1)[1].split("/", 1)[0]
    host, port = netloc.rsplit(":", 1)
    return host, int(port)


@pytest.fixture
def redis_proxy(services: Services) -> Iterator[BackgroundProxy]:
    """A proxy, on its own thread, in front of the shared Redis: cut, restore or stall it.

    The outage is real for whatever connects through ``redis_proxy.url``, and the shared
    Redis other tests use keeps running.
    """
    from tests.helpers.background_proxy import BackgroundProxy

    proxy = BackgroundProxy(*redis_host_port(services.redis_url))
    proxy.start()
    yield proxy
    proxy.close()


_prefix_counter = iter(range(1_000_000_000))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``services_only`` run on the PostgreSQL + Redis pair alone."""
    kept, dropped = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        params = callspec.params if callspec is not None else {}
        on_embedded = "embedded" in (params.get("backend"), params.get("module_backend"))
        if on_embedded and item.get_closest_marker("services_only"):
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


BACKENDS = ["embedded", "services"]


def _backend(request: pytest.FixtureRequest) -> str:
    if request.param == "services":
        request.getfixturevalue("services")
    return str(request.param)


def _settings(backend: str, folder: Path, request: pytest.FixtureRequest) -> Settings:
    values: dict[str, Any] = {
        "data_dir": folder / "data",
        "config_dir": folder / "config",
        "jwt_secret": "test-secret-" + "x" * 40,
        "bcrypt_rounds": 4,
        "tmdb_base_url": "http://127.0.0.1:9/3",
        "cache_prefix": f"mrt-{RUN_ID}:{next(_prefix_counter)}:",
        # the embedded default on both backends; tests of the published-model path
        # (tests/test_model_publish.py) turn it off as PostgreSQL deployments do
        "model_fit_on_demand": "yes",
    }
    if backend == "services":
        svc: Services = request.getfixturevalue("services")
        values["database_url"] = svc.database_url
        values["redis_url"] = svc.redis_url
    else:
        values["database_url"] = "sqlite://:memory:"
    return Settings(**values)


async def _close_and_wipe(opened: list[MovieRec], settings: Settings) -> None:
    """Close ``opened``; empty the run database's tables and this namespace's Redis keys."""
    for mr in reversed(opened):
        if mr.is_open and mr.db.kind == "postgres":
            await _truncate(mr)
            break
    for mr in reversed(opened):
        await mr.close()
    if settings.redis_url:
        client = sync_redis.Redis.from_url(settings.redis_url)
        for prefix in (settings.cache_prefix, settings.resolved_coordination_prefix):
            for key in client.scan_iter(match=prefix + "*", count=1000):
                client.delete(key)
        client.close()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Which backend pair this test runs on."""
    return _backend(request)


@pytest.fixture
def settings(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    """Settings for one test: isolated data folder, database and cache namespace."""
    return _settings(backend, tmp_path, request)


MakeMovieRec = Callable[..., Awaitable[MovieRec]]


@pytest.fixture
async def make_mr(settings: Settings) -> AsyncIterator[MakeMovieRec]:
    """Open ``MovieRec`` instances on this test's backend; all closed, and data wiped, after.

    ``await make_mr(clock=..., **setting_overrides)``.
    """
    opened: list[MovieRec] = []

    async def make(clock: Clock | None = None, **overrides: Any) -> MovieRec:
        mr = MovieRec(settings.model_copy(update=overrides), clock=clock)
        await mr.open()
        opened.append(mr)
        return mr

    yield make
    await _close_and_wipe(opened, settings)


# --- one app for a whole module, for tests that only read (or write rows nothing else checks)
#
# Each backend's ``MovieRec`` and app are built once per module instead of once per test.
# A module using them runs its tests in the module's event loop:
# ``pytestmark = pytest.mark.asyncio(loop_scope="module")``.


@pytest.fixture(scope="module", params=BACKENDS)
def module_backend(request: pytest.FixtureRequest) -> str:
    """Which backend pair this module's shared ``MovieRec`` runs on."""
    return _backend(request)


@pytest.fixture(scope="module")
def module_settings(
    module_backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Settings]:
    """Settings for one module: its own data folder, cache namespace and database.

    On PostgreSQL the module gets a database of its own (created and dropped here), so rows
    its shared tests write never meet a test with its own ``mr`` (which works in the run's
    database and empties it after), nor the other way round.
    """
    settings = _settings(module_backend, tmp_path_factory.mktemp("module"), request)
    if settings.database_kind != "postgres":
        yield settings
        return
    from tests.helpers.served import create_database, drop_database

    name = create_database(PG_ADMIN_DSN, f"movierec_test_{RUN_ID}_module")
    try:
        yield settings.model_copy(update={"database_url": _pg_dsn(name)})
    finally:
        drop_database(PG_ADMIN_DSN, name)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def module_mr(module_settings: Settings) -> AsyncIterator[MovieRec]:
    """One open ``MovieRec`` for the module; closed, and data wiped, after its last test."""
    mr = MovieRec(module_settings)
    await mr.open()
    yield mr
    await _close_and_wipe([mr], module_settings)


@pytest.fixture(scope="module")
def module_app(module_mr: MovieRec) -> Sanic[Any, Any]:
    """The HTTP app over ``module_mr``, built once for the module."""
    from movierec_server import create_app

    return create_app(movierec=module_mr)


async def _truncate(mr: MovieRec) -> None:
    tables = ", ".join(f'"{table}"' for table in mr.db.model_tables())
    with mr.db.activate():
        await mr.db.connection().execute_script(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


@pytest.fixture
async def mr(make_mr: MakeMovieRec) -> MovieRec:
    """An open ``MovieRec`` on this test's backend."""
    return await make_mr()


# --- the CLI, the job worker and a private Redis, on this test's backend


@pytest.fixture
def config_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Settings, mr: MovieRec
) -> Path:
    """The CLI's environment on this test's backend (``mr`` cleans the database after)."""
    from tests.helpers.cli_env import point_cli_at

    point_cli_at(monkeypatch, tmp_path, settings)
    return tmp_path / "config"


@pytest.fixture
def worker(settings: Settings, tmp_path: Path) -> Iterator[Settings]:
    """A real ``celery worker`` process on this test's database and a private queue."""
    from tests.helpers.celery_worker import celery_worker

    with celery_worker(settings, tmp_path) as worker_settings:
        yield worker_settings


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    """A private Redis for this test (one it may stop and restart), stopped after it."""
    from tests.helpers.private_redis import PrivateRedis

    server = PrivateRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


# --- discovery: the TMDb-shaped server (movierec.testing.FakeTMDb)

from movierec.testing import FakeTMDb  # noqa: E402 - kept with the fixtures that use it


@pytest.fixture
async def fake_tmdb() -> AsyncIterator[FakeTMDb]:
    """A TMDb-shaped server on 127.0.0.1 serving the built-in fixture movies.

    Point a ``MovieRec`` at it with ``await make_mr(**fake_tmdb.settings_overrides())``
    (``auth="api_key"`` for the v3 form); add ``fast_retries()`` to keep backoff short.
    """
    async with FakeTMDb() as server:
        yield server


def fast_retries(**overrides: Any) -> dict[str, Any]:
    """Setting overrides for tests of the TMDb client: millisecond backoff, short budget."""
    values: dict[str, Any] = {
        "tmdb_backoff_base": 0.01,
        "tmdb_backoff_max": 0.05,
        "tmdb_retry_budget": 5.0,
        "tmdb_timeout": 2.0,
    }
    values.update(overrides)
    return values
