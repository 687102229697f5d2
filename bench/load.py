"""Load: movierec served with several workers, driven by wrk, against a bare Sanic ceiling.

Starts, on loopback only:

* a fresh PostgreSQL database ``movierec_bench_load_<random>`` (dropped at the end) and a
  private Redis key prefix (deleted at the end);
* the fake TMDb server from ``movierec.testing`` (when present), so discovery answers
  without the internet;
* ``python -m movierec_server --workers N`` on that stack, with rate limits raised out
  of the way (they are drilled elsewhere);
* ``bench/ceiling_app.py``: a bare Sanic JSON endpoint with the same worker count.

Then runs wrk (``bench/mixed.lua``) over: the ceiling, ``/health``, the public routes,
the signed-in routes, and a mix of both; and prints requests/s, p50/p90/p99 latency and
errors per scenario. Every run is bounded by ``--duration``.

    PYTHONPATH=.:cli:server python3 bench/load.py --workers 2 --duration 10 --connections 32
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import redis

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "cli"), str(ROOT / "server"), str(ROOT / "tests")]

from helpers.served import free_port  # noqa: E402
from helpers.spec_walk import operations  # noqa: E402

LUA = ROOT / "bench" / "mixed.lua"


@dataclass
class Result:
    """One wrk run."""

    name: str
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: dict[str, int]

    @property
    def rps(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0

    def row(self) -> str:
        """One line of the report."""
        errors = ", ".join(f"{k} {v}" for k, v in self.errors.items() if v) or "none"
        return (
            f"| {self.name} | {self.rps:,.0f} | {self.p50_ms:.1f} | {self.p90_ms:.1f} | "
            f"{self.p99_ms:.1f} | {self.requests:,} | {errors} |"
        )


def wrk(name: str, url: str, args: argparse.Namespace, token: str, paths: list[str]) -> Result:
    """Run wrk with the Lua mix; parse its JSON summary."""
    argv = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s"]
    argv += ["--timeout", "10s", "-s", str(LUA), url, "--", token or "-", *paths]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    match = re.search(r"WRK_JSON (\{.*\})", out)
    if match is None:
        raise RuntimeError(f"wrk printed no summary: {out}")
    data = json.loads(match.group(1))
    errors = {
        "non-2xx": data["status_errors"],
        "connect": data["connect_errors"],
        "read": data["read_errors"],
        "write": data["write_errors"],
        "timeout": data["timeouts"],
    }
    return Result(
        name,
        data["requests"],
        data["duration_us"] / 1e6,
        data["p50_us"] / 1000,
        data["p90_us"] / 1000,
        data["p99_us"] / 1000,
        data["max_us"] / 1000,
        errors,
    )


def wait_for(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """Wait until ``url`` answers 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited with {process.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=1).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


@contextlib.contextmanager
def process(argv: list[str], env: dict[str, str], ready_url: str) -> Iterator[int]:
    """Run a server process for the block, in a session of its own; SIGTERM that group after.

    Sanic's worker manager SIGKILLs its whole process group on the way out: without a
    session of its own, that group would be the bench's.
    """
    proc = subprocess.Popen(
        argv,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for(ready_url, proc)
        yield proc.pid
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(30)


@contextlib.contextmanager
def database(admin_dsn: str) -> Iterator[str]:
    """A fresh database for the run; its DSN."""
    name = f"movierec_bench_load_{uuid.uuid4().hex[:8]}"

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(admin_dsn)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_dsn.rsplit("/", 1)[0] + "/" + name
    finally:
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextlib.contextmanager
def fake_tmdb() -> Iterator[dict[str, str]]:
    """The fake TMDb server on a background thread; the settings that point at it."""
    try:
        from helpers.background_tmdb import BackgroundTMDb

        fake = BackgroundTMDb()
    except ImportError:  # before movierec.testing existed: the offline catalog serves
        yield {}
        return
    try:
        yield fake.env()
    finally:
        fake.close()


def sign_in(base: str) -> str:
    """Register and log in a bench user; its access token ("" before accounts exist)."""
    name = f"bench{uuid.uuid4().hex[:8]}"
    password = "Bench-Password-" + uuid.uuid4().hex[:8]
    body = {"username": name, "email": f"{name}@example.com", "password": password}
    with httpx.Client(base_url=base, timeout=30) as client:
        if client.post("/auth/register", json=body).status_code not in (200, 201):
            return ""
        login = client.post("/auth/login", json={"username": name, "password": password})
        return str(login.json().get("access_token", "")) if login.status_code == 200 else ""


def route_paths(base: str, token: str) -> tuple[list[str], list[str]]:
    """Public and signed-in GET paths from the served spec, filled with working values."""
    spec = httpx.get(base + "/openapi.json").json()
    movie_id = first_movie_id(base)
    public, secured = [], []
    for op in operations(spec):
        if op.method != "GET" or op.path.startswith(("/admin", "/metrics", "/docs")):
            continue
        if op.path in ("/openapi.json", "/ready"):
            continue
        overrides = {p.name: str(movie_id) for p in op.params if p.where == "path"}
        query = op.query({"query": "the"} if any(p.name == "query" for p in op.params) else {})
        path = op.url(overrides) + (
            "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
        )
        if op.secured:
            if token and _answers(base, path, token):
                secured.append("auth:" + path)
        elif _answers(base, path, ""):
            public.append(path)
    return public, secured


def first_movie_id(base: str) -> int:
    """A movie id the API knows (from trending), for detail routes."""
    with contextlib.suppress(Exception):
        body = httpx.get(base + "/movies/trending", timeout=30).json()
        items = body.get("results") or body.get("items") or []
        return int(items[0]["id"])
    return 603


def _answers(base: str, path: str, token: str) -> bool:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.get(base + path, headers=headers, timeout=30)
    if response.status_code >= 300:
        print(f"  (left out {path}: {response.status_code})", file=sys.stderr)
    return response.status_code < 300


def served_env(
    dsn: str, redis_url: str, prefix: str, home: Path, tmdb_env: dict[str, str]
) -> dict[str, str]:
    """The environment of a served movierec on ``dsn`` (migrated here), with limits raised.

    Rate limits are raised out of the way (they are drilled elsewhere) but still counted.
    """
    from movierec import MovieRec, Settings

    async def migrate() -> None:
        async with MovieRec(Settings(database_url=dsn, data_dir=home / "data")):
            pass

    asyncio.run(migrate())
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "cli"), str(ROOT / "server")]),
        "MOVIEREC_DATABASE_URL": dsn,
        "MOVIEREC_REDIS_URL": redis_url,
        "MOVIEREC_CACHE_PREFIX": prefix,
        "MOVIEREC_DATA_DIR": str(home / "data"),
        "MOVIEREC_CONFIG_DIR": str(home / "config"),
        "MOVIEREC_JWT_SECRET": "bench-secret-" + "b" * 40,
        "MOVIEREC_BCRYPT_ROUNDS": "4",
        "MOVIEREC_RATE_LIMIT_ANONYMOUS": "100000000/minute",
        "MOVIEREC_RATE_LIMIT_USER": "100000000/minute",
        **tmdb_env,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=int, default=10, help="seconds per scenario")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()

    prefix = f"movierec-bench-{uuid.uuid4().hex[:6]}:"
    home = Path(tempfile.mkdtemp(prefix="movierec-bench-"))
    results: list[Result] = []
    with database(args.pg) as dsn, fake_tmdb() as tmdb_env:
        env = served_env(dsn, args.redis, prefix, home, tmdb_env)
        ceiling_port, port = free_port(), free_port()
        ceiling = [sys.executable, str(ROOT / "bench" / "ceiling_app.py")]
        ceiling += ["--port", str(ceiling_port), "--workers", str(args.workers)]
        server = [sys.executable, "-m", "movierec_server", "--port", str(port)]
        server += ["--workers", str(args.workers)]
        base = f"http://127.0.0.1:{port}"
        with process(ceiling, env, f"http://127.0.0.1:{ceiling_port}/"):
            results.append(
                wrk(
                    "bare Sanic JSON (ceiling)", f"http://127.0.0.1:{ceiling_port}", args, "", ["/"]
                )
            )
        with process(server, env, base + "/health"):
            token = sign_in(base)
            public, secured = route_paths(base, token)
            results.append(wrk("movierec /health", base, args, token, ["/health"]))
            results.append(wrk("movierec public mix", base, args, token, public))
            if secured:
                results.append(wrk("movierec signed-in mix", base, args, token, secured))
                results.append(
                    wrk("movierec mixed (public + signed-in)", base, args, token, public + secured)
                )
        print(f"public routes: {' '.join(public)}")
        print(f"signed-in routes: {' '.join(p.removeprefix('auth:') for p in secured)}")
    client = redis.Redis.from_url(args.redis)
    for key in client.scan_iter(match=prefix + "*", count=1000):
        client.delete(key)
    client.close()
    print(
        f"\nworkers={args.workers} wrk -t{args.threads} -c{args.connections} -d{args.duration}s "
        f"(loopback, {os.cpu_count()} cores shared by server, wrk, PostgreSQL and Redis)\n"
    )
    print("| scenario | req/s | p50 ms | p90 ms | p99 ms | requests | errors |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for result in results:
        print(result.row())


if __name__ == "__main__":
    main()
