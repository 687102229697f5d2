"""Scale benchmark: synthetic MovieLens data at 1M / 5M / 25M ratings, import → fit → serve.

Run on demand (not part of the tests)::

    python3 bench/scale.py --sizes 1M,5M --plot docs/img/scale.png --json bench/scale.json

For each size it generates a seeded MovieLens-format folder (power-law item popularity
and user activity, grouped by user like MovieLens; cached under ``--data``), then runs each
stage in a fresh subprocess, so every peak RSS is that stage's own:

- ``import``: ``mr.catalog.import_movielens`` into PostgreSQL (a fresh database next to
  ``--dsn``, dropped after) and into a SQLite file: ratings/s and peak RSS;
- ``fit``: ``mr.recommend.fit_model()`` on PostgreSQL (read ratings, fit, publish): wall
  seconds, peak RSS, artifact size;
- ``serve``: a serving process that never fits loads the newest version (RSS before and
  after), then a user with 200 favorites: cold recommendations (``refresh``: the list
  recomputed, the source's related lists cached after the first call) and warm ones
  (``for_user`` from the cache), p50/p95.

The table printed (and ``--json``) says how each figure grows with size.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
GENRES = [
    "Action",
    "Adventure",
    "Animation",
    "Children",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Film-Noir",
    "Horror",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
]
STARS = np.arange(1, 11) / 2
STAR_WEIGHTS = np.array([1, 3, 2, 7, 5, 20, 13, 27, 9, 13], dtype=np.float64)


def parse_size(text: str) -> int:
    """``1M`` -> 1_000_000, ``250k`` -> 250_000."""
    text = text.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("km")) * scale)


def generate(n: int, folder: Path, seed: int = 15) -> Path:
    """A MovieLens-format folder with about ``n`` ratings (seeded, power-law)."""
    import pandas as pd

    if (folder / "ratings.csv").is_file():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    n_items = min(62_000, 5_000 + n // 500)
    n_users = max(n // 150, 100)
    weight = (np.arange(n_items) + 10.0) ** -1.05
    weight /= weight.sum()
    activity = rng.pareto(1.3, n_users) + 1.0
    counts = np.clip(activity / activity.sum() * n * 1.7, 15, n_items // 3).astype(np.int64)
    ratings_done = 0
    with (folder / "ratings.csv").open("w", encoding="utf-8") as out:
        out.write("userId,movieId,rating,timestamp\n")
        for start in range(0, n_users, 20_000):
            users = np.arange(start, min(start + 20_000, n_users))
            per = counts[users]
            owner = np.repeat(users, per)
            items = rng.choice(n_items, size=len(owner), p=weight)
            pair = np.unique(owner * n_items + items)
            owner, items = pair // n_items, pair % n_items
            take = min(len(pair), n - ratings_done)
            if take <= 0:
                break
            owner, items = owner[:take], items[:take]
            frame = pd.DataFrame(
                {
                    "userId": owner + 1,
                    "movieId": items + 1,
                    "rating": rng.choice(STARS, size=take, p=STAR_WEIGHTS / STAR_WEIGHTS.sum()),
                    "timestamp": rng.integers(820_000_000, 1_690_000_000, size=take),
                }
            )
            frame.to_csv(out, header=False, index=False)
            ratings_done += take
    years = rng.integers(1930, 2024, size=n_items)
    lines = ["movieId,title,genres"]
    for i in range(n_items):
        picks = rng.choice(len(GENRES), size=int(rng.integers(1, 4)), replace=False)
        lines.append(f"{i + 1},Movie {i + 1} ({years[i]}),{'|'.join(GENRES[p] for p in picks)}")
    (folder / "movies.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    links = ["movieId,imdbId,tmdbId"] + [f"{i + 1},{i + 1:07d},{i + 1}" for i in range(n_items)]
    (folder / "links.csv").write_text("\n".join(links) + "\n", encoding="utf-8")
    return folder


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _settings(url: str, work: Path, **extra: Any) -> Any:
    from movierec import Settings

    return Settings(
        database_url=url,
        data_dir=work,
        jwt_secret="bench-" + "x" * 40,
        tmdb_base_url="http://127.0.0.1:9/3",
        **extra,
    )


async def stage_import(url: str, folder: Path, work: Path) -> dict[str, Any]:
    from movierec import MovieRec

    async with MovieRec(_settings(url, work)) as mr:
        started = time.perf_counter()
        report = await mr.catalog.import_movielens(folder)
        seconds = time.perf_counter() - started
    return {
        "ratings": report.ratings,
        "seconds": round(seconds, 2),
        "rate": round(report.ratings / seconds),
        "peak_rss_mb": round(_peak_mb()),
    }


async def stage_fit(url: str, work: Path) -> dict[str, Any]:
    from movierec import MovieRec

    async with MovieRec(_settings(url, work)) as mr:
        started = time.perf_counter()
        info = await mr.recommend.fit_model()
        seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 2),
        "fit_seconds": info.fit_seconds,
        "peak_rss_mb": round(_peak_mb()),
        "artifact_mb": round(info.size_bytes / 1e6, 1),
        "positive": info.ratings,
        "items": info.items,
    }


def _pct(values: list[float], q: float) -> float:
    return round(float(np.percentile(np.asarray(values), q)), 1)


async def stage_serve(url: str, work: Path, samples: int) -> dict[str, Any]:
    from movierec import MovieRec, Principal
    from movierec.db.models import Favorite, User
    from movierec.db.models import Movie as MovieRow

    async with MovieRec(_settings(url, work, model_fit_on_demand="no")) as mr:
        before = _rss_mb()
        started = time.perf_counter()
        await mr.recommend.model()
        load = time.perf_counter() - started
        after = _rss_mb()
        name = f"bench{uuid.uuid4().hex[:8]}"
        user = await User.create(
            username=name, username_key=name, email=f"{name}@example.org", password_hash="-"
        )
        rows = await MovieRow.filter(in_catalog=True).order_by("-rating_count").limit(2000)
        picks = np.random.default_rng(3).choice(len(rows), size=200, replace=False)
        await Favorite.bulk_create(
            [
                Favorite(
                    user_id=user.id,
                    movie_id=rows[i].id,
                    movie_title=rows[i].title,
                    genre_ids=rows[i].genre_ids,
                    release_year=rows[i].release_date.year if rows[i].release_date else None,
                )
                for i in picks
            ]
        )
        cold: list[float] = []
        for _ in range(samples + 1):
            t = time.perf_counter()
            await mr.recommend.refresh(user.id)
            cold.append((time.perf_counter() - t) * 1000)
        warm: list[float] = []
        for _ in range(samples * 3):
            t = time.perf_counter()
            await mr.recommend.for_user(Principal.of(user), size=20)
            warm.append((time.perf_counter() - t) * 1000)
        return {
            "rss_before_mb": round(before),
            "rss_after_load_mb": round(after),
            "load_seconds": round(load, 2),
            "cold_first_ms": round(cold[0], 1),
            "cold_p50_ms": _pct(cold[1:], 50),
            "cold_p95_ms": _pct(cold[1:], 95),
            "warm_p50_ms": _pct(warm, 50),
            "warm_p95_ms": _pct(warm, 95),
        }


def _run_stage(*args: str) -> dict[str, Any]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "cli"), str(ROOT / "server")])
    done = subprocess.run(
        [sys.executable, __file__, "--stage", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"stage {args[0]} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def bench_size(n: int, args: argparse.Namespace) -> dict[str, Any]:
    import asyncpg

    label = f"{n / 1e6:g}M" if n >= 1_000_000 else f"{n / 1e3:g}k"
    folder = generate(n, Path(args.data) / label)
    work = Path(args.data) / f"work-{label}"
    work.mkdir(parents=True, exist_ok=True)
    database = f"movierec_scale_{uuid.uuid4().hex[:8]}"

    async def create(sql: str) -> None:
        conn = await asyncpg.connect(args.dsn + "/postgres")
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(create(f'CREATE DATABASE "{database}"'))
    pg = f"{args.dsn}/{database}"
    sqlite = f"sqlite://{work / 'scale.sqlite3'}"
    (work / "scale.sqlite3").unlink(missing_ok=True)
    try:
        row: dict[str, Any] = {"size": label, "ratings_requested": n}
        print(f"[{label}] import postgres", file=sys.stderr, flush=True)
        row["import_postgres"] = _run_stage("import", pg, str(folder), str(work))
        if not args.skip_sqlite:
            print(f"[{label}] import sqlite", file=sys.stderr, flush=True)
            row["import_sqlite"] = _run_stage("import", sqlite, str(folder), str(work))
        print(f"[{label}] fit", file=sys.stderr, flush=True)
        row["fit"] = _run_stage("fit", pg, str(folder), str(work))
        print(f"[{label}] serve", file=sys.stderr, flush=True)
        row["serve"] = _run_stage("serve", pg, str(folder), str(work), str(args.samples))
    finally:
        asyncio.run(create(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        (work / "scale.sqlite3").unlink(missing_ok=True)
    return row


def table(rows: list[dict[str, Any]]) -> str:
    """The Markdown table of the docs."""
    head = (
        "| ratings | import PG (rows/s) | import SQLite (rows/s) | import peak RSS PG / SQLite "
        "| fit (s) | fit peak RSS | artifact | server RSS before → after load | load (s) "
        "| cold p50 / p95 | warm p50 / p95 |\n|" + "---|" * 11
    )
    lines = [head]
    for r in rows:
        ip, isq, fit, serve = r["import_postgres"], r.get("import_sqlite"), r["fit"], r["serve"]
        lines.append(
            f"| {ip['ratings']:,} | {ip['seconds']} s ({ip['rate']:,}) | "
            + (f"{isq['seconds']} s ({isq['rate']:,}) | " if isq else "— | ")
            + f"{ip['peak_rss_mb']} / {isq['peak_rss_mb'] if isq else '—'} MB | "
            f"{fit['seconds']} | {fit['peak_rss_mb']} MB | {fit['artifact_mb']} MB | "
            f"{serve['rss_before_mb']} → {serve['rss_after_load_mb']} MB | "
            f"{serve['load_seconds']} | {serve['cold_p50_ms']} / {serve['cold_p95_ms']} ms | "
            f"{serve['warm_p50_ms']} / {serve['warm_p95_ms']} ms |"
        )
    return "\n".join(lines)


def plot(rows: list[dict[str, Any]], path: Path) -> None:
    """Seconds and MB against ratings, log-log, one line per figure."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r["import_postgres"]["ratings"] for r in rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    left.plot(
        sizes, [r["import_postgres"]["seconds"] for r in rows], "o-", label="import, PostgreSQL"
    )
    if all("import_sqlite" in r for r in rows):
        left.plot(
            sizes, [r["import_sqlite"]["seconds"] for r in rows], "o-", label="import, SQLite"
        )
    left.plot(sizes, [r["fit"]["seconds"] for r in rows], "o-", label="fit + publish")
    left.plot(
        sizes, [r["serve"]["load_seconds"] for r in rows], "o-", label="server: load artifact"
    )
    left.set(xscale="log", yscale="log", xlabel="ratings", ylabel="seconds", title="Time")
    right.plot(
        sizes, [r["import_postgres"]["peak_rss_mb"] for r in rows], "o-", label="import peak (PG)"
    )
    right.plot(sizes, [r["fit"]["peak_rss_mb"] for r in rows], "o-", label="fit peak")
    right.plot(
        sizes, [r["serve"]["rss_after_load_mb"] for r in rows], "o-", label="server after load"
    )
    right.plot(sizes, [r["fit"]["artifact_mb"] for r in rows], "o-", label="artifact size")
    right.set(xscale="log", yscale="log", xlabel="ratings", ylabel="MB", title="Memory")
    for ax in (left, right):
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1M,5M", help="comma-separated, e.g. 1M,5M,25M")
    parser.add_argument("--dsn", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--data", default="/tmp/movierec-scale", help="generated data (kept)")
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--plot", type=Path, help="write the PNG plot here")
    parser.add_argument("--stage", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        kind, url, folder, work, *rest = args.stage
        if kind == "import":
            result = asyncio.run(stage_import(url, Path(folder), Path(work)))
        elif kind == "fit":
            result = asyncio.run(stage_fit(url, Path(work)))
        else:
            result = asyncio.run(stage_serve(url, Path(work), int(rest[0])))
        print(json.dumps(result))
        return
    rows = []
    for size in args.sizes.split(","):
        rows.append(bench_size(parse_size(size), args))
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    print(table(rows))
    print(f"load average: {os.getloadavg()}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    if args.plot:
        plot(rows, args.plot)


if __name__ == "__main__":
    main()
