"""Recommendation latency on the imported ml-latest-small catalog.

Run on demand (not part of the tests)::

    python3 bench/recommend_latency.py /work/shared/data/ml-latest-small
    python3 bench/recommend_latency.py /work/shared/data/ml-latest-small --services

Embedded (SQLite file + in-process cache) by default; ``--services`` uses a fresh
PostgreSQL database next to ``--dsn`` (dropped after) and Redis. It imports the catalog,
creates a user with ``--favorites`` favorites (a real MovieLens user's liked movies,
topped up with popular ones), then times:

- model fit: item-kNN + content model over every movie, rating and favorite;
- cold, first ever: the first ``for_user`` (model warm; the movie source's related
  lists for the seed favorites fetched now);
- cold: ``for_user`` after the user's cached list is dropped (list recomputed; source
  pages cached as in steady state);
- warm: ``for_user`` served from the cache (median and p95 over ``--samples`` calls).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg

from movierec import MovieRec, Principal, Settings
from movierec.db.models import CatalogRating, Favorite, User
from movierec.db.models import Movie as MovieRow


async def _favorites_for(count: int) -> list[int]:
    """A real rater's liked movies (the one with most 4+ ratings), topped up by popularity."""
    rows = await CatalogRating.filter(rating__gte=4.0).values_list("rater", "movie_id")
    by_rater: dict[int, list[int]] = {}
    for rater, movie in rows:
        by_rater.setdefault(int(rater), []).append(int(movie))
    best = max(by_rater.values(), key=len)
    chosen = list(dict.fromkeys(best))[:count]
    if len(chosen) < count:
        popular = await MovieRow.all().order_by("-rating_count").limit(count * 2)
        chosen += [m.id for m in popular if m.id not in chosen][: count - len(chosen)]
    return chosen


async def _bench(settings: Settings, folder: Path, favorites: int, samples: int) -> None:
    async with MovieRec(settings) as mr:
        started = time.perf_counter()
        await mr.catalog.import_movielens(folder)
        print(f"catalog import: {time.perf_counter() - started:.1f} s")
        user = await User.create(
            username="bench", username_key="bench", email="bench@example.org", password_hash="-"
        )
        picks = await _favorites_for(favorites)
        movies = {m.id: m for m in await MovieRow.filter(id__in=picks)}
        await Favorite.bulk_create(
            [
                Favorite(
                    user_id=user.id,
                    movie_id=m,
                    movie_title=movies[m].title,
                    genre_ids=movies[m].genre_ids,
                    release_year=movies[m].release_date.year if movies[m].release_date else None,
                )
                for m in picks
            ]
        )
        await User.filter(id=user.id).update(favorites_version=1)
        print(f"user favorites: {len(picks)}")

        started = time.perf_counter()
        await mr.recommend.fit_model()  # fit and publish, as `movierec model fit` does
        print(f"model fit + publish: {(time.perf_counter() - started) * 1000:.0f} ms")

        started = time.perf_counter()
        listing = await mr.recommend.for_user(Principal.of(user))
        first = time.perf_counter() - started
        print(f"cold list, first ever (source calls uncached): {first * 1000:.0f} ms")
        cold: list[float] = []
        for _ in range(5):
            await mr.cache.delete(mr.recommend._key(user.id, 1, {}))
            started = time.perf_counter()
            listing = await mr.recommend.for_user(Principal.of(user))
            cold.append(time.perf_counter() - started)
            assert not listing.cached
        median = statistics.median(cold) * 1000
        print(
            f"cold list ({len(picks)} favorites, source pages cached): median {median:.0f} ms,"
            f" max {max(cold) * 1000:.0f} ms"
        )
        print("  top 5: " + "; ".join(f"{i.movie.title} ({i.reason})" for i in listing.items[:5]))

        warm: list[float] = []
        for _ in range(samples):
            started = time.perf_counter()
            listing = await mr.recommend.for_user(Principal.of(user))
            warm.append(time.perf_counter() - started)
            assert listing.cached
        warm.sort()
        p95 = warm[int(len(warm) * 0.95) - 1]
        print(
            f"warm (cached) over {samples} calls: median {statistics.median(warm) * 1000:.2f} ms,"
            f" p95 {p95 * 1000:.2f} ms"
        )


async def _main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        values: dict[str, object] = {
            "data_dir": Path(tmp),
            "config_dir": Path(tmp),
            "jwt_secret": "bench-" + "x" * 40,
            "bcrypt_rounds": 4,
        }
        if not args.services:
            await _bench(Settings(**values), args.path, args.favorites, args.samples)
            return
        name = f"movierec_bench_rec_{uuid.uuid4().hex[:8]}"
        admin = await asyncpg.connect(args.dsn)
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            values["database_url"] = args.dsn.rsplit("/", 1)[0] + "/" + name
            values["redis_url"] = args.redis
            values["cache_prefix"] = f"{name}:"
            await _bench(Settings(**values), args.path, args.favorites, args.samples)
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()


def main() -> None:
    """Parse options and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="MovieLens folder (ml-latest-small)")
    parser.add_argument("--favorites", type=int, default=200)
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--services", action="store_true", help="PostgreSQL + Redis")
    parser.add_argument("--dsn", default="postgres://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    asyncio.run(_main(parser.parse_args()))


if __name__ == "__main__":
    main()
