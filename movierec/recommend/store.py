"""What the recommender reads from and writes to the database.

Reads use ``values_list`` (tuples, no ORM objects); what a fit reads is in
:mod:`movierec.recommend.training`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from movierec.db.models import Dismissal, Favorite, Recommendation
from movierec.db.models import Movie as MovieRow
from movierec.types import Movie, poster_url

__all__ = [
    "FavoriteRow",
    "load_dismissed",
    "load_favorites",
    "log_served",
    "movies_by_id",
]

POSITIVE_RATING = 4.0


@dataclass(frozen=True, slots=True)
class FavoriteRow:
    """A user's favorite as the recommender needs it."""

    movie_id: int
    title: str
    genre_ids: tuple[int, ...]
    year: int | None


async def load_favorites(user_id: int) -> list[FavoriteRow]:
    """The user's favorites, oldest first."""
    rows = (
        await Favorite.filter(user_id=user_id)
        .order_by("created_at", "id")
        .values_list("movie_id", "movie_title", "genre_ids", "release_year")
    )
    return [
        FavoriteRow(int(m), str(t), tuple(int(g) for g in (genres or ())), y)
        for m, t, genres, y in rows
    ]


async def load_dismissed(user_id: int) -> list[int]:
    """Movies the user dismissed."""
    rows: list[Any] = await Dismissal.filter(user_id=user_id).values_list("movie_id", flat=True)
    return [int(m) for m in rows]


async def movies_by_id(ids: Sequence[int], image_base: str, size: str) -> dict[int, Movie]:
    """Typed movies for ``ids`` from the local table (unknown ids are absent)."""
    if not ids:
        return {}
    found: dict[int, Movie] = {}
    for row in await MovieRow.filter(id__in=list(ids)):
        found[row.id] = Movie(
            id=row.id,
            title=row.title,
            original_title=row.original_title,
            overview=row.overview or "",
            release_date=row.release_date,
            release_year=row.release_year,
            genre_ids=tuple(row.genre_ids or ()),
            popularity=row.popularity,
            vote_average=row.vote_average,
            vote_count=row.vote_count,
            poster_path=row.poster_path,
            poster_url=poster_url(image_base, size, row.poster_path),
        )
    return found


async def log_served(user_id: int, items: Sequence[dict[str, Any]]) -> None:
    """One ``Recommendation`` row per served item, in one bulk insert."""
    if items:
        await Recommendation.bulk_create(
            [
                Recommendation(
                    user_id=user_id,
                    movie_id=item["movie"]["id"],
                    score=float(item["score"]),
                    reason=str(item["reason"])[:256],
                )
                for item in items
            ]
        )
