"""Request path: movierec's hot routes against bare Sanic and a Django REST Framework peer.

Starts, on loopback, in one run and with the same worker count:

* ``bench/ceiling_app.py``: bare Sanic answering the very bytes of movierec's cached
  ``GET /movies/trending`` page (the ceiling);
* the DRF peer (``bench/peers/drf_app.py``): a DRF view reading that page from Django's
  Redis cache (django-redis), throttled through the same cache, on gunicorn with sync
  workers; Django, DRF, django-redis and gunicorn are installed into a venv of the
  bench's own (``--peer-venv``) on first use;
* ``python -m movierec_server`` on PostgreSQL (a fresh database, dropped at the end) and
  Redis (a private prefix, deleted at the end), discovery answered by the fake TMDb,
  with rate limits, metrics, request ids, the access log and security headers all on
  (rate limits raised out of the way, still counted).

Then drives each with wrk and prints req/s, p50/p99 and the ratios the issue asks for,
with the load average before and after, and the CPU time the server's processes spent
per request (user + system of the server's process tree, from ``/proc``; Redis and
PostgreSQL not included): on a shared machine req/s follows what the other processes
leave, while CPU per request is the server's own cost.

    PYTHONPATH=.:cli:server python3 bench/request_path.py --duration 10 --connections 64
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import redis

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench")]

from load import Result, database, fake_tmdb, free_port, process, served_env, sign_in, wrk  # noqa: E402

PEER_PACKAGES = ["django>=5,<6", "djangorestframework", "django-redis", "gunicorn"]


def peer_python(venv: Path) -> Path:
    """The peer venv's interpreter, created and filled on first use."""
    python = venv / "bin" / "python"
    if not (venv / ".ready").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(python), "-m", "pip", "install", "-q", *PEER_PACKAGES]
        subprocess.run(pip, check=True)
        (venv / ".ready").touch()
    return python


def favorite_some(base: str, token: str, movie_ids: list[int]) -> None:
    """Give the bench user a few favorites, so recommendations have seeds."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, timeout=30, headers=headers) as client:
        for movie_id in movie_ids:
            client.post("/favorites/", json={"movie_id": movie_id}).raise_for_status()


def publish_model(dsn: str, home: Path) -> None:
    """Fit and publish a recommendation model (serving processes never fit)."""
    from movierec import MovieRec, Settings

    async def fit() -> None:
        async with MovieRec(Settings(database_url=dsn, data_dir=home / "data")) as mr:
            await mr.recommend.fit_model()

    asyncio.run(fit())


@contextlib.contextmanager
def profiled(pid: int, prefix: str, seconds: int) -> Iterator[None]:
    """py-spy every process of the server tree for the block; PREFIX.txt gets the summary,
    PREFIX.raw the collapsed stacks (for ``grep`` or a flame graph)."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    with tempfile.TemporaryDirectory() as folder:
        raw = Path(folder) / "raw.txt"
        argv = [spy, "record", "--pid", str(pid), "--subprocesses", "--nonblocking"]
        argv += ["--duration", str(seconds), "--rate", "100", "--format", "raw", "-o", str(raw)]
        recorder = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            yield
        finally:
            recorder.wait(60)
        collapsed = raw.read_text()
        Path(prefix + ".txt").write_text(summarise(collapsed))
        Path(prefix + ".raw").write_text(collapsed)


def summarise(collapsed: str, top: int = 30) -> str:
    """Share of busy samples per function: inclusive, and where the time is spent itself.

    Idle event-loop waits and the process/bootstrap frames every sample shares are left out.
    """
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [f for f in stack.split(";") if f and not f.startswith("process ")]
        idle = ("select (selectors.py", "poll", "dequeue (logging/handlers.py")
        if not frames or any(mark in frames[-1] for mark in idle):
            continue
        samples = int(count)
        total += samples
        own[frames[-1]] += samples
        for frame in set(frames):
            inclusive[frame] += samples
    share = {frame: samples / max(total, 1) for frame, samples in inclusive.items()}
    lines = [f"{total} busy samples. Inclusive share (frames in < 90% of samples):"]
    shown = [(f, v) for f, v in sorted(share.items(), key=lambda kv: -kv[1]) if v < 0.9]
    lines += [f"{100 * v:5.1f}%  {f}" for f, v in shown[:top]]
    lines.append("Own (leaf) share:")
    lines += [f"{100 * n / max(total, 1):5.1f}%  {f}" for f, n in own.most_common(top // 2)]
    return "\n".join(lines) + "\n"


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of ``pid`` and its live descendants (Linux ``/proc``)."""
    tick = os.sysconf("SC_CLK_TCK")
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{current}/stat").read_text().rpartition(")")[2].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                todo.extend(int(c) for c in children)
    return total


def measured(
    cpu: dict[str, float],
    pid: int,
    name: str,
    base: str,
    args: argparse.Namespace,
    token: str,
    paths: list[str],
) -> Result:
    """:func:`wrk`, noting the server tree's CPU microseconds per request in ``cpu``."""
    before = tree_cpu_seconds(pid)
    result = wrk(name, base, args, token, paths)
    cpu[name] = (tree_cpu_seconds(pid) - before) * 1e6 / max(result.requests, 1)
    return result


def load_average() -> str:
    """The 1-minute load average, as text."""
    return f"{os.getloadavg()[0]:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=int, default=10, help="seconds per scenario")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--peer-venv", default=str(Path.home() / ".cache" / "movierec-drf-peer"))
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    parser.add_argument(
        "--profile",
        default="",
        help="py-spy the server during one scenario (--profile-scenario, default trending); "
        "PREFIX.txt gets the summary, PREFIX.raw the collapsed stacks",
    )
    parser.add_argument("--profile-scenario", default="trending", help="what py-spy records")
    args = parser.parse_args()

    python = peer_python(Path(args.peer_venv))
    prefix = f"movierec-bench-{uuid.uuid4().hex[:6]}:"
    home = Path(tempfile.mkdtemp(prefix="movierec-bench-"))
    body_file = home / "trending.json"
    results: list[Result] = []
    cpu: dict[str, float] = {}
    loads = [load_average()]
    with database(args.pg) as dsn, fake_tmdb() as tmdb_env:
        env = served_env(dsn, args.redis, prefix, home, tmdb_env)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = [sys.executable, "-m", "movierec_server", "--port", str(port)]
        server += ["--workers", str(args.workers)]
        with process(server, env, base + "/health") as server_pid:
            trending = httpx.get(base + "/movies/trending", timeout=30)
            trending.raise_for_status()
            page = trending.json()
            body_file.write_bytes(httpx.get(base + "/movies/trending", timeout=30).content)
            movie_id = int(page["items"][0]["id"])
            httpx.get(f"{base}/movies/{movie_id}", timeout=30).raise_for_status()
            token = sign_in(base)
            favorite_some(base, token, [int(m["id"]) for m in page["items"][:3]])
            publish_model(dsn, home)
            headers = {"Authorization": f"Bearer {token}"}
            for _ in range(2):  # warm: the list computed, then read from the cache
                recs = httpx.get(base + "/movies/recommendations", headers=headers, timeout=60)
                recs.raise_for_status()
            scenarios = {
                "health": ["/health"],
                "trending": ["/movies/trending"],
                "details": [f"/movies/{movie_id}"],
                "favorites": ["auth:/favorites/"],
                "recommendations": ["auth:/movies/recommendations"],
            }
            for name, paths in scenarios.items():
                if args.only and name not in args.only.split(","):
                    continue
                label = f"movierec {paths[0].removeprefix('auth:')}"
                if args.profile and name == args.profile_scenario:
                    with profiled(server_pid, args.profile, args.duration):
                        results.append(wrk(label, base, args, token, paths))
                else:
                    results.append(measured(cpu, server_pid, label, base, args, token, paths))
        loads.append(load_average())
        ceiling_port = free_port()
        ceiling = [sys.executable, str(ROOT / "bench" / "ceiling_app.py")]
        ceiling += ["--port", str(ceiling_port), "--workers", str(args.workers)]
        ceiling += ["--body", str(body_file)]
        ceiling_url = f"http://127.0.0.1:{ceiling_port}"
        with process(ceiling, env, ceiling_url + "/") as ceiling_pid:
            name = "bare Sanic (ceiling)"
            results.insert(0, measured(cpu, ceiling_pid, name, ceiling_url, args, "", ["/"]))
        peer_port = free_port()
        peer = [str(python), "-m", "gunicorn", "-w", str(args.workers), "-b"]
        peer += [f"127.0.0.1:{peer_port}", "--chdir", str(ROOT / "bench" / "peers")]
        peer += ["--log-level", "warning", "drf_app:application"]
        peer_env = {
            **env,
            "DRF_BODY_FILE": str(body_file),
            "DRF_REDIS_URL": args.redis,
            "DRF_CACHE_PREFIX": prefix + "drf",
        }
        peer_url = f"http://127.0.0.1:{peer_port}"
        with process(peer, peer_env, peer_url + "/movies/trending") as peer_pid:
            name, path = "DRF + django-redis", ["/movies/trending"]
            results.insert(1, measured(cpu, peer_pid, name, peer_url, args, "", path))
        loads.append(load_average())
    client = redis.Redis.from_url(args.redis)
    for key in client.scan_iter(match=prefix + "*", count=1000):
        client.delete(key)
    client.close()
    report(results, args, loads, body_file.stat().st_size, cpu)


def report(
    results: list[Result],
    args: argparse.Namespace,
    loads: list[str],
    size: int,
    cpu: dict[str, float],
) -> None:
    """Print the table with ratios to the ceiling and to the DRF peer."""
    ceiling, peer = results[0], results[1]
    print(
        f"\n{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: workers={args.workers} "
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s, body {size:,} bytes, "
        f"load average {' -> '.join(loads)}\n"
    )
    print(
        "| scenario | req/s | p50 ms | p99 ms | x bare Sanic | x DRF | p99 x Sanic "
        "| server CPU us/req | Sanic's CPU / this | errors |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    floor = cpu.get(ceiling.name, 0.0)
    for r in results:
        errors = ", ".join(f"{k} {v}" for k, v in r.errors.items() if v) or "none"
        spent = cpu.get(r.name)
        cost = f"{spent:,.0f} | {floor / spent:.2f}" if spent else "(profiled) | "
        print(
            f"| {r.name} | {r.rps:,.0f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | "
            f"{r.rps / ceiling.rps:.2f} | {r.rps / peer.rps:.1f} | "
            f"{r.p99_ms / ceiling.p99_ms:.1f} | {cost} | {errors} |"
        )


if __name__ == "__main__":
    main()
