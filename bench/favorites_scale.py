"""Favorites at scale on PostgreSQL: fill, then time list/add/remove through the library.

Run on demand (not part of the tests)::

    python3 bench/favorites_scale.py --users 10000 --per-user 100 --samples 500

It creates a dedicated database (``movierec_bench_fav_<random>``) next to ``--dsn``,
migrates it with movierec, fills users, catalog movies and favorites with ``COPY``,
runs ``ANALYZE``, times ``mr.favorites.list`` / ``add`` / ``remove`` for random users,
prints latency percentiles and the ``EXPLAIN (ANALYZE, BUFFERS)`` plan of the exact query
``list`` runs, and drops the database (``--keep`` keeps it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg

from movierec import MovieRec, Principal, Settings
from movierec.db.models import Movie as MovieRow
from movierec.db.models import User
from movierec.favorites.resolve import movie_details

GENRES = (28, 12, 16, 35, 80, 99, 18, 10751, 14, 36, 27, 10402, 9648, 10749, 878, 53)


def _dsn(admin_dsn: str, database: str) -> str:
    return admin_dsn.rsplit("/", 1)[0] + "/" + database


async def _fill(dsn: str, users: int, per_user: int, movies: int, seed: int) -> float:
    """COPY users, catalog movies and ``users * per_user`` favorites; returns seconds."""
    rng = random.Random(seed)
    started = time.perf_counter()
    conn = await asyncpg.connect(dsn)
    try:
        catalog = []
        for movie_id in range(1, movies + 1):
            genres = sorted(rng.sample(GENRES, rng.randint(1, 3)))
            catalog.append(
                (movie_id, f"Movie {movie_id}", date(1950 + movie_id % 75, 1, 1), genres)
            )
        # Users and movies through the ORM (their Python-side defaults); favorites by COPY.
        await MovieRow.bulk_create(
            [
                MovieRow(
                    id=i,
                    title=t,
                    release_year=d.year,
                    genre_ids=g,
                    poster_path=f"/p{i}.jpg",
                    in_catalog=True,
                )
                for i, t, d, g in catalog
            ],
            batch_size=1000,
        )
        await User.bulk_create(
            [
                User(
                    id=u,
                    username=f"user{u}",
                    username_key=f"user{u}",
                    email=f"user{u}@bench.invalid",
                    password_hash="x",
                )
                for u in range(1, users + 1)
            ],
            batch_size=1000,
        )
        await conn.execute("SELECT setval(pg_get_serial_sequence('users', 'id'), $1)", users)
        now = datetime.now(UTC)
        fav_id = 0
        batch: list[tuple[Any, ...]] = []
        columns = [
            "id",
            "user_id",
            "movie_id",
            "movie_title",
            "poster_url",
            "release_year",
            "genre_ids",
            "genre_key",
            "created_at",
        ]
        for user in range(1, users + 1):
            start = now - timedelta(days=rng.randint(30, 3000))
            for offset, movie_id in enumerate(rng.sample(range(1, movies + 1), per_user)):
                _, title, released, genres = catalog[movie_id - 1]
                fav_id += 1
                batch.append(
                    (
                        fav_id,
                        user,
                        movie_id,
                        title,
                        f"https://img.invalid/p{movie_id}.jpg",
                        released.year,
                        json.dumps(genres),
                        "|" + "|".join(map(str, genres)) + "|",
                        start + timedelta(minutes=offset * rng.randint(1, 600)),
                    )
                )
            if len(batch) >= 100_000:
                await conn.copy_records_to_table("favorites", columns=columns, records=batch)
                batch.clear()
        if batch:
            await conn.copy_records_to_table("favorites", columns=columns, records=batch)
        await conn.execute("SELECT setval(pg_get_serial_sequence('favorites', 'id'), $1)", fav_id)
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return time.perf_counter() - started


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return {
        "p50": round(cuts[49] * 1000, 2),
        "p95": round(cuts[94] * 1000, 2),
        "p99": round(cuts[98] * 1000, 2),
        "max": round(ordered[-1] * 1000, 2),
    }


async def _timed(call: Awaitable[Any]) -> float:
    started = time.perf_counter()
    await call
    return time.perf_counter() - started


def _user(ident: int) -> Principal:
    """The principal of seeded user ``ident`` (stored as ``user<ident>``)."""
    return Principal(user_id=ident, username=f"user{ident}")


async def _measure(
    mr: MovieRec, users: int, movies: int, samples: int, seed: int
) -> dict[str, Any]:
    rng = random.Random(seed + 1)
    fav = mr.favorites
    # Warm the connection pool and the details cache.
    for ident in range(1, 6):
        await fav.list(_user(ident))
    timings: dict[str, list[float]] = {
        "list": [],
        "list_cursor_p2": [],
        "list_genre": [],
        "add": [],
        "remove": [],
    }
    for _ in range(samples):
        user = _user(rng.randint(1, users))
        first = await fav.list(user, size=20)
        timings["list"].append(await _timed(fav.list(user, size=20)))
        cursor = first.next_cursor
        timings["list_cursor_p2"].append(await _timed(fav.list(user, size=20, cursor=cursor)))
        timings["list_genre"].append(await _timed(fav.list(user, size=20, genre_id=18)))
        owned = {item.movie_id for item in (await fav.list(user, size=100)).items}
        movie = rng.choice([m for m in range(1, movies + 1) if m not in owned])
        await movie_details(mr.movies, movie)  # warm the details cache: time the storage side
        timings["add"].append(await _timed(fav.add(user, movie)))
        timings["remove"].append(await _timed(fav.remove(user, movie)))
    return {name: _percentiles(values) for name, values in timings.items()}


async def _explain(mr: MovieRec, user: Principal) -> str:
    """The plans of the first page and of a cursor page, with a verdict on each."""
    first = await mr.favorites.list(user, size=20)
    queries = {
        "page 1": mr.favorites.list_query(user, page=1, size=20),
        "cursor page": mr.favorites.list_query(user, size=20, cursor=first.next_cursor),
    }
    out = []
    for label, query in queries.items():
        sql = query.sql(params_inline=True)
        with mr.db.activate():
            _, rows = await mr.db.connection().execute_query(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        plan = "\n".join(str(row["QUERY PLAN"]) for row in rows)
        indexed = "Index Scan" in plan and "idx_favorites_user_id" in plan
        verdict = "OK" if indexed and "Seq Scan" not in plan else "NOT AN INDEX SCAN"
        out.append(f"-- {label}: {verdict}\n{sql}\n\n{plan}")
    return "\n\n".join(out)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dsn", default="postgres://postgres@127.0.0.1:5432/test")
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--per-user", type=int, default=100)
    parser.add_argument("--movies", type=int, default=5_000)
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    args = parser.parse_args()

    name = f"movierec_bench_fav_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(args.dsn)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    dsn = _dsn(args.dsn, name)
    try:
        with tempfile.TemporaryDirectory() as folder:
            settings = Settings(
                database_url=dsn,
                data_dir=Path(folder),
                config_dir=Path(folder),
                jwt_secret="bench-" + "x" * 40,
            )
            async with MovieRec(settings) as mr:
                fill_seconds = await _fill(dsn, args.users, args.per_user, args.movies, args.seed)
                total = args.users * args.per_user
                print(
                    f"filled {total:,} favorites over {args.users:,} users "
                    f"in {fill_seconds:.1f} s ({total / fill_seconds:,.0f} rows/s)"
                )
                results = await _measure(mr, args.users, args.movies, args.samples, args.seed)
                print(f"latency in ms over {args.samples} random users (through mr.favorites):")
                for operation, figures in results.items():
                    cells = "  ".join(f"{k} {v:>7.2f}" for k, v in figures.items())
                    print(f"  {operation:<15} {cells}")
                print("\nEXPLAIN (ANALYZE, BUFFERS) of the list queries:")
                print(await _explain(mr, _user(args.users // 2)))
    finally:
        if not args.keep:
            admin = await asyncpg.connect(args.dsn)
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
