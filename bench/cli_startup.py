"""CLI start-up: ``movierec --help``, ``--version`` and a warm ``trending``, against Typer.

Each command runs ``--runs`` times, interleaved with the baseline
``python -c "import typer, rich"`` so the noisy machine affects both alike; medians and
ratios are printed. ``trending`` reads a small offline catalog (a tiny MovieLens folder
imported into a temporary SQLite file) through Redis under a private prefix, warmed by
one run first, so the figure is the CLI's own cost plus one cached read.

    PYTHONPATH=.:cli:server python3 bench/cli_startup.py --runs 7
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from helpers.movielens_catalog import write_movielens  # noqa: E402


def seconds(argv: list[str], env: dict[str, str]) -> float:
    """Wall-clock seconds of one run (which must succeed)."""
    started = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()

    from movierec import MovieRec, Settings

    home = Path(tempfile.mkdtemp(prefix="movierec-cli-bench-"))
    prefix = f"movierec-cli-bench-{uuid.uuid4().hex[:6]}:"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "cli"), str(ROOT / "server")]),
        "MOVIEREC_DATA_DIR": str(home / "data"),
        "MOVIEREC_CONFIG_DIR": str(home / "config"),
        "MOVIEREC_REDIS_URL": args.redis,
        "MOVIEREC_CACHE_PREFIX": prefix,
    }

    async def import_catalog() -> None:
        async with MovieRec(Settings(data_dir=home / "data")) as mr:
            await mr.catalog.import_movielens(write_movielens(home / "ml-tiny"))

    asyncio.run(import_catalog())
    cli = [sys.executable, "-m", "movierec_cli"]
    commands = {
        'python -c "import typer, rich"': [sys.executable, "-c", "import typer, rich"],
        "movierec --version": [*cli, "--version"],
        "movierec --help": [*cli, "--help"],
        "movierec trending (warm cache)": [*cli, "trending"],
    }
    seconds(commands["movierec trending (warm cache)"], env)  # warm Redis
    times: dict[str, list[float]] = {name: [] for name in commands}
    load = os.getloadavg()[0]
    for _ in range(args.runs):
        for name, argv in commands.items():
            times[name].append(seconds(argv, env))
    client = redis.Redis.from_url(args.redis)
    for key in client.scan_iter(match=prefix + "*", count=1000):
        client.delete(key)
    client.close()
    base = statistics.median(times['python -c "import typer, rich"'])
    print(
        f"\n{args.runs} interleaved runs each, load average {load:.1f} -> {os.getloadavg()[0]:.1f}"
    )
    print("\n| command | median s | x typer+rich | minus typer+rich s |")
    print("|---|---:|---:|---:|")
    for name, runs in times.items():
        median = statistics.median(runs)
        print(f"| {name} | {median:.3f} | {median / base:.2f} | {median - base:+.3f} |")


if __name__ == "__main__":
    main()
