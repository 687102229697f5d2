"""Favorites import by title on the imported ml-latest-small catalog (embedded, SQLite).

Run on demand (not part of the tests)::

    python3 bench/favorites_import.py /work/shared/data/ml-latest-small --rows 5000

It imports the catalog into a temporary SQLite file, then imports a CSV of ``--rows``
titles for one user with ``skip_errors``: 60% exact title and year, 20% title only,
10% with two letters swapped (a typo), 10% titles no movie has. It prints the time to
resolve and store them and the report's counts, then, side by side in the same run, the
time per row of the search path (``match_title``: a catalog search per title, what every
import row cost before the title index) over the first ``--search-sample`` rows.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import random
import tempfile
import time
from pathlib import Path

from movierec import MovieRec, Principal, Settings
from movierec.db.models import Movie as MovieRow
from movierec.db.models import User
from movierec.favorites.formats import parse_rows
from movierec.favorites.resolve import match_title


def _typo(title: str, rng: random.Random) -> str:
    if len(title) < 6:
        return title
    i = rng.randrange(1, len(title) - 2)
    return title[:i] + title[i + 1] + title[i] + title[i + 2 :]


async def _rows(count: int, seed: int) -> str:
    rng = random.Random(seed)
    movies = await MovieRow.filter(in_catalog=True).values_list("title", "release_date")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["title", "year"])
    for n in range(count):
        title, released = rng.choice(movies)
        year = released.year if released else ""
        kind = n % 10
        if kind < 6:
            writer.writerow([title, year])
        elif kind < 8:
            writer.writerow([title, ""])
        elif kind < 9:
            writer.writerow([_typo(title, rng), year])
        else:
            writer.writerow([f"Qzx Unmade Film {n}", ""])
    return out.getvalue()


async def _bench(folder: Path, rows: int, sample: int) -> None:
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(
            data_dir=Path(home) / "data",
            config_dir=Path(home) / "config",
            jwt_secret="bench-" + "x" * 40,
            favorites_max_per_user=max(rows, 5000),
            favorites_import_max_bytes=50_000_000,
            tmdb_base_url="http://127.0.0.1:9/3",
        )
        async with MovieRec(settings) as mr:
            started = time.perf_counter()
            await mr.catalog.import_movielens(folder)
            print(f"catalog import: {time.perf_counter() - started:.1f} s")
            user = await User.create(
                username="bench", username_key="bench", email="b@example.org", password_hash="-"
            )
            content = await _rows(rows, seed=7)
            started = time.perf_counter()
            report = await mr.favorites.import_(
                Principal.of(user), content, "csv", skip_errors=True
            )
            took = time.perf_counter() - started
            print(
                f"import of {rows} titles: {took:.2f} s "
                f"({len(report.matched)} matched, {len(report.ambiguous)} ambiguous, "
                f"{len(report.skipped)} skipped)"
            )
            per_row_index = took / rows
            parsed = [row for row in parse_rows(content, "csv") if row.title][:sample]
            started = time.perf_counter()
            for row in parsed:
                assert row.title is not None
                await match_title(mr.movies, row.title, row.year)
            per_row_search = (time.perf_counter() - started) / max(len(parsed), 1)
            print(
                f"per row: index {per_row_index * 1000:.2f} ms, "
                f"search {per_row_search * 1000:.1f} ms "
                f"({per_row_search / per_row_index:.0f}x)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="an unpacked ml-latest-small folder")
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--search-sample", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(_bench(args.folder, args.rows, args.search_sample))


if __name__ == "__main__":
    main()
