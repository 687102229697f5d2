"""What the recommender reads from and writes to the database.

Reads use ``values_list`` (tuples, no ORM objects) so loading the MovieLens prior
(~50k positive ratings for ml-latest-small) stays cheap; the matrix work happens in
:func:`fit_model`, meant for ``asyncio.to_thread``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from movierec.db.models import CatalogRating, Dismissal, Favorite, Recommendation
from movierec.db.models import Movie as MovieRow
from movierec.recommend.content import ItemFeatures
from movierec.recommend.matrix import IdMap, interaction_matrix
from movierec.recommend.model import HybridModel, ModelParams
from movierec.recommend.popularity import item_counts, log_popularity
from movierec.types import Movie

__all__ = [
    "FavoriteRow",
    "TrainingData",
    "fit_model",
    "load_dismissed",
    "load_favorites",
    "load_training",
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


@dataclass(frozen=True, slots=True)
class TrainingData:
    """Items with features, and positive (rater, item) pairs."""

    ids: list[int]
    features: list[ItemFeatures]
    popularity: list[float]
    raters: list[int]
    items: list[int]


def _year(value: date | None) -> int | None:
    return value.year if value else None


async def load_training() -> TrainingData:
    """Every known movie, MovieLens ratings >= 4, and every local favorite."""
    rows = await MovieRow.all().values_list(
        "id", "title", "genre_ids", "keywords", "release_date", "popularity"
    )
    ids, features, popularity = [], [], []
    for ident, title, genres, keywords, released, pop in rows:
        ids.append(int(ident))
        features.append(
            ItemFeatures(
                genres=tuple(genres or ()),
                keywords=tuple(keywords or ()),
                year=_year(released),
                title=str(title),
            )
        )
        popularity.append(float(pop or 0.0))
    ratings = await CatalogRating.filter(rating__gte=POSITIVE_RATING).values_list(
        "rater", "movie_id"
    )
    favorites = await Favorite.all().values_list("user_id", "movie_id")
    raters = [int(r) for r, _ in ratings] + [-int(u) for u, _ in favorites]
    items = [int(m) for _, m in ratings] + [int(m) for _, m in favorites]
    return TrainingData(ids, features, popularity, raters, items)


def fit_model(
    data: TrainingData, params: ModelParams, known_genres: Sequence[Hashable] = ()
) -> HybridModel:
    """Fit the hybrid model (blocking: run it off the event loop).

    Popularity is the count of positive ratings and favorites; movies nobody rated yet
    (seen on TMDb only) get half the log-scaled TMDb popularity instead.
    """
    items = IdMap(data.ids)
    raters = IdMap()
    rows, cols = [], []
    for rater, item in zip(data.raters, data.items, strict=True):
        position = items.get(item)
        if position is not None:
            rows.append(raters.add(rater))
            cols.append(position)
    matrix = interaction_matrix(
        np.asarray(rows, dtype=np.int64),
        np.asarray(cols, dtype=np.int64),
        (len(raters), len(items)),
    )
    counted = log_popularity(item_counts(matrix))
    fallback = 0.5 * log_popularity(np.asarray(data.popularity, dtype=np.float64))
    prior = np.where(counted > 0, counted, fallback)
    return HybridModel.fit(
        items, matrix, data.features, popularity=prior, params=params, known_genres=known_genres
    )


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


def _poster(base: str, size: str, path: str | None) -> str | None:
    return f"{base.rstrip('/')}/{size}/{path.lstrip('/')}" if path else None


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
            genre_ids=tuple(row.genre_ids or ()),
            popularity=row.popularity,
            vote_average=row.vote_average,
            vote_count=row.vote_count,
            poster_path=row.poster_path,
            poster_url=_poster(image_base, size, row.poster_path),
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
