"""A real ``python -m movierec_server`` process on loopback, on its own PostgreSQL database.

The resilience drills talk to the server over real HTTP, the way a client does: a
separate process, real sockets, real worker processes, real signals. Each server starts
in a session of its own (``start_new_session``), and :meth:`ServedApp.stop` ends that
whole process group, so a server never signals the test run and never outlives it. Each
served app gets a database of its own (``create_database``), so killing its connections with
``pg_terminate_backend`` or checking its row counts never touches another test's data.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx

from movierec import Settings

ROOT = Path(__file__).resolve().parents[2]
JWT_SECRET = "resilience-secret-" + "r" * 40


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def database_dsn(admin_dsn: str, name: str) -> str:
    """The DSN of database ``name`` on the server ``admin_dsn`` points at."""
    return admin_dsn.rsplit("/", 1)[0] + "/" + name


def _admin(admin_dsn: str, sql: str) -> None:
    async def run() -> None:
        conn = await asyncpg.connect(admin_dsn)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run())


def create_database(admin_dsn: str, prefix: str) -> str:
    """Create a fresh, empty database; returns its name."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    _admin(admin_dsn, f'CREATE DATABASE "{name}"')
    return name


def drop_database(admin_dsn: str, name: str) -> None:
    """Drop a database made by :func:`create_database` (its connections are closed first)."""
    _admin(admin_dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class ServedApp:
    """One server process; ``url`` is its base URL."""

    env: dict[str, str]
    workers: int = 1
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    @property
    def url(self) -> str:
        """Base URL, no trailing slash."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90.0) -> ServedApp:
        """Start the process and wait until ``/health`` answers.

        The default timeout is generous on purpose: on a loaded CI machine (load average
        15+ on 2 cores) two workers importing Sanic and the library take over 30 s.
        """
        argv = [sys.executable, "-m", "movierec_server", "--host", "127.0.0.1"]
        argv += ["--port", str(self.port), "--workers", str(self.workers)]
        pythonpath = os.pathsep.join([str(ROOT), str(ROOT / "cli"), str(ROOT / "server")])
        env = {**os.environ, **self.env, "PYTHONPATH": pythonpath}
        log = None
        if self.log_path is not None:
            log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            argv,
            env=env,
            stdout=log or subprocess.DEVNULL,
            stderr=log or subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}: {self.log()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not answer /health within {timeout}s: {self.log()}")

    def log(self) -> str:
        """The tail of the server's output (when ``log_path`` was given)."""
        if self.log_path is None or not self.log_path.exists():
            return "(no log)"
        return self.log_path.read_text(errors="replace")[-4000:]

    def terminate(self) -> None:
        """Send SIGTERM (a graceful stop: in-flight requests are drained)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def wait(self, timeout: float = 30.0) -> int:
        """Wait for the process to exit; returns its exit code."""
        assert self.process is not None
        return self.process.wait(timeout)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL to the server's own process group if anything is left."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(30)
        # The group is the session this helper started: only the server and its workers.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)


def server_env(
    *,
    database_url: str,
    redis_url: str,
    data_dir: Path,
    cache_prefix: str,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The ``MOVIEREC_*`` environment of a served app on the real services."""
    env = {
        "MOVIEREC_DATABASE_URL": database_url,
        "MOVIEREC_REDIS_URL": redis_url,
        "MOVIEREC_DATA_DIR": str(data_dir / "data"),
        "MOVIEREC_CONFIG_DIR": str(data_dir / "config"),
        "MOVIEREC_CACHE_PREFIX": cache_prefix,
        "MOVIEREC_JWT_SECRET": JWT_SECRET,
        "MOVIEREC_BCRYPT_ROUNDS": "4",
        "MOVIEREC_TMDB_BASE_URL": "http://127.0.0.1:9/3",
    }
    env.update(extra or {})
    return env


@contextlib.contextmanager
def serving(app: ServedApp) -> Iterator[ServedApp]:
    """Run ``app`` for the enclosed block."""
    app.start()
    try:
        yield app
    finally:
        app.stop()


# The drills send thousands of requests from one address; rate limits are drilled apart.
GENEROUS_LIMITS = {
    "MOVIEREC_RATE_LIMIT_ANONYMOUS": "1000000/minute",
    "MOVIEREC_RATE_LIMIT_USER": "1000000/minute",
    "MOVIEREC_LOGIN_FAILURES_PER_IP": "1000000",
}


@dataclass(frozen=True)
class Stack:
    """A private database and cache namespace on the real services."""

    database: str
    database_url: str
    redis_url: str
    cache_prefix: str
    home: Path

    def env(self, **extra: str) -> dict[str, str]:
        """The served app's environment on this stack."""
        return server_env(
            database_url=self.database_url,
            redis_url=self.redis_url,
            data_dir=self.home,
            cache_prefix=self.cache_prefix,
            extra={**GENEROUS_LIMITS, **extra},
        )

    def settings(self, **overrides: object) -> Settings:
        """Library settings on this stack (to prepare or inspect data)."""
        values: dict[str, object] = {
            "database_url": self.database_url,
            "redis_url": self.redis_url,
            "data_dir": self.home / "data",
            "config_dir": self.home / "config",
            "cache_prefix": self.cache_prefix,
            "jwt_secret": JWT_SECRET,
            "bcrypt_rounds": 4,
            **overrides,
        }
        return Settings.model_validate(values)
