"""Discovery benchmark: cached ``/movies/trending`` under wrk, and cold-miss coalescing.

Everything runs on loopback and is bounded (``--duration`` for wrk, one burst for the
cold test). Two parts:

1. **cached trending** - ``movierec serve --workers N`` on the offline catalog (MovieLens
   imported with ``movierec catalog import movielens``), one warm-up request, then
   ``wrk --latency`` on ``/movies/trending?window=week``. ``--backend embedded`` uses SQLite
   and each worker's in-process cache; ``--backend services`` a fresh PostgreSQL database
   and a private Redis prefix (both removed at the end).
2. **cold burst** - the same server pointed at the fake TMDb server of ``movierec.testing``
   (slowed by ``--upstream-delay`` so the misses overlap), ``--burst`` concurrent
   ``/movies/trending`` requests on an empty cache, then the number of requests TMDb saw.

    PYTHONPATH=.:cli:server python3 bench/discovery.py --workers 2 --duration 10 \\
        --movielens /work/shared/data/ml-latest-small --backend embedded
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import asyncpg
import redis

ROOT = Path(__file__).resolve().parents[1]
PYTHONPATH = os.pathsep.join([str(ROOT), str(ROOT / "cli"), str(ROOT / "server")])
PG_ADMIN = os.environ.get("MOVIEREC_TEST_PG", "postgres://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("MOVIEREC_TEST_REDIS", "redis://127.0.0.1:6379/0")
TRENDING = "/movies/trending?window=week"


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def backend_env(kind: str, home: Path) -> Iterator[dict[str, str]]:
    """``MOVIEREC_*`` for a private data folder (and database + Redis prefix for services)."""
    env = {
        "MOVIEREC_DATA_DIR": str(home / "data"),
        "MOVIEREC_CONFIG_DIR": str(home / "config"),
        "MOVIEREC_JWT_SECRET": "bench-secret-" + "x" * 40,
        "MOVIEREC_RATE_LIMIT_ANONYMOUS": "100000000/minute",
        "MOVIEREC_RATE_LIMIT_USER": "100000000/minute",
    }
    if kind == "embedded":
        yield env
        return
    name = f"movierec_bench_disc_{uuid.uuid4().hex[:8]}"
    prefix = f"bench-disc-{uuid.uuid4().hex[:6]}:"
    asyncio.run(_pg(f'CREATE DATABASE "{name}"'))
    env["MOVIEREC_DATABASE_URL"] = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    env["MOVIEREC_REDIS_URL"] = REDIS_URL
    env["MOVIEREC_CACHE_PREFIX"] = prefix
    try:
        yield env
    finally:
        asyncio.run(_pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(match=prefix + "*", count=1000):
            client.delete(key)
        client.close()


async def _pg(sql: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def cli(env: dict[str, str], *args: str) -> float:
    """Run ``python -m movierec_cli ARGS``; returns the seconds it took."""
    started = time.perf_counter()
    full = {**os.environ, **env, "PYTHONPATH": PYTHONPATH}
    subprocess.run([sys.executable, "-m", "movierec_cli", *args], env=full, check=True)
    return time.perf_counter() - started


@contextlib.contextmanager
def served(env: dict[str, str], workers: int, log: Path) -> Iterator[str]:
    """``movierec serve --workers N`` on a free loopback port, until the block ends."""
    port = free_port()
    argv = [sys.executable, "-m", "movierec_cli", "serve", "--host", "127.0.0.1"]
    argv += ["--port", str(port), "--workers", str(workers)]
    with log.open("ab") as out:
        process = subprocess.Popen(
            argv,
            env={**os.environ, **env, "PYTHONPATH": PYTHONPATH},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit(f"server exited; see {log}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            time.sleep(0.2)
        else:
            raise SystemExit(f"server did not start; see {log}")
        asyncio.run(_wait_healthy(url))
        yield url
    finally:
        os.killpg(process.pid, 15)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(5)


async def _wait_healthy(url: str) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(100):
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(url + "/health") as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.2)
    raise SystemExit("server never became healthy")


def run_wrk(url: str, args: argparse.Namespace) -> str:
    """wrk with latency percentiles; returns its report."""
    argv = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s"]
    argv += ["--latency", "--timeout", "10s", url]
    return subprocess.run(argv, capture_output=True, text=True, check=True).stdout


def summarize_wrk(report: str) -> str:
    """Requests/s, latency percentiles and errors from a wrk report."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", report)
    total = re.search(r"(\d+) requests in ([\d.]+\w+)", report)
    pct = dict(re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+\w+)", report, re.MULTILINE))
    errors = re.search(r"Socket errors:.*|Non-2xx or 3xx responses: \d+", report)
    return (
        f"{float(rps[1]) if rps else 0:,.0f} req/s, "
        f"p50 {pct.get('50')} p90 {pct.get('90')} p99 {pct.get('99')}, "
        f"{total[1] if total else '?'} requests in {total[2] if total else '?'}, "
        f"errors: {errors[0] if errors else 'none'}"
    )


async def cold_burst(url: str, burst: int) -> Counter[str]:
    """``burst`` concurrent trending requests; counts the answers by status and cached flag."""
    outcomes: Counter[str] = Counter()
    connector = aiohttp.TCPConnector(limit=burst)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def one() -> None:
            async with session.get(url + TRENDING) as response:
                body = await response.json()
                cached = body.get("cached") if response.status == 200 else None
                outcomes[f"{response.status} cached={cached}"] += 1

        await asyncio.gather(*(one() for _ in range(burst)))
    return outcomes


def part_cached(args: argparse.Namespace, home: Path) -> None:
    with backend_env(args.backend, home / "cached") as env:
        seconds = cli(env, "catalog", "import", "movielens", str(args.movielens), "--json")
        print(f"catalog import: {seconds:.1f}s (CLI process, {args.backend})")
        with served(env, args.workers, home / "server-cached.log") as url:
            asyncio.run(cold_burst(url, 4))  # warm every worker's cache
            print(f"wrk {TRENDING}: " + summarize_wrk(run_wrk(url + TRENDING, args)))


def part_cold(args: argparse.Namespace, home: Path) -> None:
    # The fake runs on its own loop thread: the served app is another process, and the
    # burst below runs on this thread's loop.
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    from helpers.background_tmdb import BackgroundTMDb

    fake = BackgroundTMDb()
    try:
        fake.fake.slow(args.upstream_delay)
        with backend_env(args.backend, home / "cold") as env:
            env.update(fake.env())
            cli(env, "db", "init", "--json")  # workers must not race to create the schema
            with served(env, args.workers, home / "server-cold.log") as url:
                before = fake.fake.calls("/trending/movie/week")
                started = time.perf_counter()
                outcomes = asyncio.run(cold_burst(url, args.burst))
                took = time.perf_counter() - started
                calls = fake.fake.calls("/trending/movie/week") - before
    finally:
        fake.close()
    print(
        f"cold burst: {args.burst} concurrent requests on {args.workers} workers "
        f"({args.backend}) -> {calls} upstream call(s) in {took:.2f}s; "
        f"answers: {dict(outcomes)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=int, default=10, help="wrk seconds (bounded)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--burst", type=int, default=1000)
    parser.add_argument("--upstream-delay", type=float, default=0.5)
    parser.add_argument("--backend", choices=("embedded", "services"), default="embedded")
    parser.add_argument("--movielens", type=Path, default=Path("/work/shared/data/ml-latest-small"))
    parser.add_argument("--only", choices=("cached", "cold"), default=None)
    parser.add_argument("--keep", action="store_true", help="keep the data and server logs")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="movierec-bench-disc-"))
    try:
        if args.only in (None, "cached"):
            part_cached(args, home)
        if args.only in (None, "cold"):
            part_cold(args, home)
    finally:
        if args.keep:
            print(f"data and server logs kept in {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
