"""Writing a parsed MovieLens folder into the local catalog, in one transaction.

Re-importing replaces the catalog: every rating is replaced, movies of the new data
set are upserted (keeping a poster or overview already fetched from TMDb), and
catalog movies absent from the new data set are removed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from tortoise.transactions import in_transaction

from movierec.boundary import classify_error
from movierec.catalog.movielens import ParsedCatalog, parse_movielens
from movierec.db.database import connection_name
from movierec.db.models import CatalogRating, Movie
from movierec.errors import InvalidInput, ServiceUnavailable

__all__ = ["CATALOG_FIELDS", "CatalogImportReport", "ImportProgress", "import_movielens_folder"]

ImportProgress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``; stages are ``parse``, ``movies`` and ``ratings``."""

CHUNK = 2_000
CATALOG_FIELDS = (
    "title",
    "original_title",
    "search_title",
    "release_date",
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

M = TypeVar("M", Movie, CatalogRating)


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


def _noop(stage: str, done: int, total: int) -> None:
    return None


def _build(parsed: ParsedCatalog) -> tuple[list[Movie], list[CatalogRating]]:
    movies = [Movie(**row) for row in parsed.movies]
    ratings = [
        CatalogRating(rater=rater, movie_id=movie, rating=rating, rated_at=rated_at)
        for rater, movie, rating, rated_at in parsed.ratings
    ]
    return movies, ratings


async def import_movielens_folder(
    folder: Path,
    database_url: str,
    *,
    progress: ImportProgress | None = None,
    clock: Callable[[], float],
) -> CatalogImportReport:
    """Parse ``folder`` (off the event loop) and replace the catalog with it.

    Runs in the caller's active Tortoise context (``mr.db``).
    """
    report = progress or _noop
    started = clock()
    folder = await asyncio.to_thread(folder.expanduser)
    if not await asyncio.to_thread(folder.is_dir):
        raise InvalidInput.field("path", f"{folder} is not a folder")
    report("parse", 0, 1)
    parsed = await asyncio.to_thread(parse_movielens, folder)
    movies, ratings = await asyncio.to_thread(_build, parsed)
    report("parse", 1, 1)
    try:
        async with in_transaction(connection_name(database_url)) as conn:
            await Movie.filter(in_catalog=True).using_db(conn).update(in_catalog=False)
            await _chunked(movies, "movies", report, conn, upsert=True)
            removed = (
                await Movie.filter(in_catalog=False, movielens_id__isnull=False)
                .using_db(conn)
                .delete()
            )
            await CatalogRating.all().using_db(conn).delete()
            await _chunked(ratings, "ratings", report, conn, upsert=False)
    except Exception as exc:
        if not isinstance(classify_error(exc), ServiceUnavailable):
            raise
        raise ServiceUnavailable(f"catalog import failed: {exc}") from exc
    return CatalogImportReport(
        source=str(folder),
        movies=len(movies),
        ratings=len(ratings),
        tags=parsed.tags,
        skipped_movies=parsed.skipped_movies,
        merged_movies=parsed.merged_movies,
        skipped_ratings=parsed.skipped_ratings,
        removed_movies=int(removed),
        latest_rating=parsed.latest_rating,
        seconds=round(clock() - started, 3),
    )


async def _chunked(
    rows: Sequence[M], stage: str, report: ImportProgress, conn: Any, *, upsert: bool
) -> None:
    total = len(rows)
    report(stage, 0, total)
    for start in range(0, total, CHUNK):
        chunk = list(rows[start : start + CHUNK])
        model = type(chunk[0])
        if upsert:
            await model.bulk_create(
                chunk, on_conflict=["id"], update_fields=CATALOG_FIELDS, using_db=conn
            )
        else:
            await model.bulk_create(chunk, using_db=conn)
        report(stage, min(start + CHUNK, total), total)
