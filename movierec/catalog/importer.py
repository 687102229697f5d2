"""Writing a MovieLens folder into the local catalog, in one transaction, at database speed.

Re-importing replaces the catalog: every rating is replaced, movies of the new data
set are upserted (keeping a poster or overview already fetched from TMDb), and
catalog movies absent from the new data set are removed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tortoise.transactions import in_transaction

from movierec.boundary import classify_error
from movierec.catalog.bulk import dedupe_ratings, load_ratings, rating_stats
from movierec.catalog.movielens import RECENT_WINDOW_DAYS, add_statistics, parse_movielens
from movierec.catalog.ratings import RatingsScan, read_ratings
from movierec.db.database import connection_name
from movierec.db.models import Movie
from movierec.errors import InvalidInput, ServiceUnavailable
from movierec.types import Progress

__all__ = ["CATALOG_FIELDS", "CatalogImportReport", "import_movielens_folder"]

CHUNK = 2_000
CATALOG_FIELDS = (
    "title",
    "original_title",
    "search_title",
    "release_date",
    "release_year",
    "genre_ids",
    "genre_key",
    "keywords",
    "imdb_id",
    "movielens_id",
    "rating_count",
    "rating_mean",
    "vote_count",
    "vote_average",
    "popularity",
    "recent_rating_count",
    "in_catalog",
)
"""What an import writes on a movie; anything else (poster, overview) is left alone."""


@dataclass(frozen=True, slots=True)
class CatalogImportReport:
    """What an import did."""

    source: str
    movies: int
    ratings: int
    tags: int
    skipped_movies: int
    merged_movies: int
    skipped_ratings: int
    removed_movies: int
    latest_rating: datetime | None
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        data = asdict(self)
        data["latest_rating"] = self.latest_rating.isoformat() if self.latest_rating else None
        return data


def _noop(done: int, total: int | None, stage: str) -> None:
    return None


async def import_movielens_folder(
    folder: Path,
    database_url: str,
    *,
    progress: Progress | None = None,
    clock: Callable[[], float],
) -> CatalogImportReport:
    """Parse ``folder``'s movies, stream its ratings into the database, replace the catalog.

    Runs in the caller's active Tortoise context (``mr.db``), in one transaction: readers
    see the old catalog or the new one. Ratings are read in chunks (bounded memory) and
    bulk-loaded (:mod:`movierec.catalog.bulk`). Stages reported: ``parse``, ``movies``,
    ``ratings``; ``progress(done, total, "ratings")``
    counts rows stored, ``total`` being ``None`` (unknown) until the end.
    """
    report = progress or _noop
    started = clock()
    folder = await asyncio.to_thread(folder.expanduser)
    if not await asyncio.to_thread(folder.is_dir):
        raise InvalidInput.field("path", f"{folder} is not a folder")
    report(0, 1, "parse")
    parsed = await asyncio.to_thread(parse_movielens, folder)
    report(1, 1, "parse")
    scan = RatingsScan()
    chunks = read_ratings(folder / "ratings.csv", parsed.tmdb_of, scan)
    name = connection_name(database_url)
    kind = "sqlite" if name == "sqlite" else "postgres"
    try:
        async with in_transaction(name) as conn:
            report(0, None, "ratings")
            stored = await load_ratings(
                conn, kind, chunks, lambda done: report(done, None, "ratings")
            )
            if not scan.grouped:
                stored -= await dedupe_ratings(conn)
            report(stored, stored, "ratings")
            latest = datetime.fromtimestamp(scan.latest, tz=UTC) if scan.latest else None
            cutoff = (latest or datetime.fromtimestamp(0, tz=UTC)) - timedelta(
                days=RECENT_WINDOW_DAYS
            )
            add_statistics(parsed, await rating_stats(conn, kind, cutoff))
            movies = [Movie(**row) for row in parsed.movies.values()]
            await Movie.filter(in_catalog=True).using_db(conn).update(in_catalog=False)
            await _upsert(movies, report, conn)
            removed = (
                await Movie.filter(in_catalog=False, movielens_id__isnull=False)
                .using_db(conn)
                .delete()
            )
    except Exception as exc:
        if not isinstance(classify_error(exc), ServiceUnavailable):
            raise
        raise ServiceUnavailable(f"catalog import failed: {exc}") from exc
    return CatalogImportReport(
        source=str(folder),
        movies=len(movies),
        ratings=stored,
        tags=parsed.tags,
        skipped_movies=parsed.skipped_movies,
        merged_movies=parsed.merged_movies,
        skipped_ratings=scan.skipped,
        removed_movies=int(removed),
        latest_rating=latest,
        seconds=round(clock() - started, 3),
    )


async def _upsert(rows: Sequence[Movie], report: Progress, conn: Any) -> None:
    total = len(rows)
    report(0, total, "movies")
    for start in range(0, total, CHUNK):
        chunk = list(rows[start : start + CHUNK])
        await Movie.bulk_create(
            chunk, on_conflict=["id"], update_fields=CATALOG_FIELDS, using_db=conn
        )
        report(min(start + CHUNK, total), total, "movies")
