"""What a fit reads: every known movie and the positive (rater, item) pairs, as numpy arrays.

Ratings are streamed from the database in chunks straight into typed arrays (16 bytes a
pair), never one Python object per rating. PostgreSQL sends them with a binary ``COPY``
whose pieces numpy reads as they arrive, without a per-row step; SQLite pages through a
cursor.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from movierec.db.models import Favorite
from movierec.db.models import Movie as MovieRow
from movierec.recommend.content import ItemFeatures
from movierec.recommend.matrix import FloatArray, IdMap, IntArray, interaction_matrix, item_counts
from movierec.recommend.model import HybridModel, ModelParams
from movierec.recommend.ranking import log_popularity

__all__ = ["POSITIVE_RATING", "TrainingData", "fit_model", "load_training"]

POSITIVE_RATING = 4.0
CHUNK = 200_000
_PAIRS = "SELECT rater, movie_id FROM catalog_ratings WHERE rating >= 4.0"  # POSITIVE_RATING
# binary COPY of two int4 columns: int16 field count, then (int32 length, int32 value) x 2
_COPY_ROW = np.dtype(
    [("n", ">i2"), ("l1", ">i4"), ("rater", ">i4"), ("l2", ">i4"), ("item", ">i4")]
)
_COPY_HEADER = 19


@dataclass(frozen=True, slots=True)
class TrainingData:
    """Items with features, and positive (rater, item) pairs (raters of favorites < 0)."""

    ids: list[int]
    features: list[ItemFeatures]
    popularity: list[float]
    raters: IntArray
    items: IntArray

    @property
    def ratings(self) -> int:
        """Number of positive pairs."""
        return len(self.raters)


async def _pairs_postgres(connection: Any) -> tuple[IntArray, IntArray]:
    raters: list[IntArray] = []
    items: list[IntArray] = []
    pending = b""
    started = False

    async def take(data: bytes) -> None:
        # rows arrive in pieces of any size: keep the incomplete tail for the next one
        nonlocal pending, started
        pending += data
        if not started:
            if len(pending) < _COPY_HEADER:
                return
            pending, started = pending[_COPY_HEADER:], True
        whole = len(pending) // _COPY_ROW.itemsize * _COPY_ROW.itemsize
        if whole:
            rows = np.frombuffer(pending[:whole], dtype=_COPY_ROW)
            raters.append(rows["rater"].astype(np.int64))
            items.append(rows["item"].astype(np.int64))
            pending = pending[whole:]

    async with connection.acquire_connection() as conn:
        await conn.copy_from_query(_PAIRS, output=take, format="binary")
    # what is left is the 2-byte trailer (int16 -1)
    empty = np.zeros(0, dtype=np.int64)
    return (
        np.concatenate(raters) if raters else empty,
        np.concatenate(items) if items else empty,
    )


async def _pairs_sqlite(connection: Any) -> tuple[IntArray, IntArray]:
    raters: list[IntArray] = []
    items: list[IntArray] = []
    async with connection.acquire_connection() as conn:
        cursor = await conn.execute(_PAIRS)
        try:
            while rows := await cursor.fetchmany(CHUNK):
                block = np.array([tuple(row) for row in rows], dtype=np.int64).reshape(-1, 2)
                raters.append(block[:, 0].copy())
                items.append(block[:, 1].copy())
        finally:
            await cursor.close()
    empty = np.zeros(0, dtype=np.int64)
    return (
        np.concatenate(raters) if raters else empty,
        np.concatenate(items) if items else empty,
    )


async def load_training(connection: Any, kind: str) -> TrainingData:
    """Every known movie, MovieLens ratings >= 4, and every local favorite.

    ``connection`` is the Tortoise client of the database (``mr.db.connection()``) and
    ``kind`` its dialect (``sqlite`` or ``postgres``).
    """
    rows = await MovieRow.all().values_list(
        "id", "title", "genre_ids", "keywords", "release_year", "popularity"
    )
    ids, features, popularity = [], [], []
    for ident, title, genres, keywords, year, pop in rows:
        ids.append(int(ident))
        features.append(
            ItemFeatures(
                genres=tuple(genres or ()),
                keywords=tuple(keywords or ()),
                year=int(year) if year else None,
                title=str(title),
            )
        )
        popularity.append(float(pop or 0.0))
    del rows
    load = _pairs_postgres if kind == "postgres" else _pairs_sqlite
    raters, items = await load(connection)
    favorites = await Favorite.all().values_list("user_id", "movie_id")
    fav = np.asarray(favorites, dtype=np.int64).reshape(-1, 2)
    return TrainingData(
        ids,
        features,
        popularity,
        np.concatenate([raters, -fav[:, 0]]),
        np.concatenate([items, fav[:, 1]]),
    )


def fit_model(
    data: TrainingData, params: ModelParams, known_genres: Sequence[Hashable] = ()
) -> HybridModel:
    """Fit the hybrid model (blocking: run it off the event loop).

    Popularity is the count of positive ratings and favorites; movies nobody rated yet
    (seen on TMDb only) get half the log-scaled TMDb popularity instead. Raters are
    numbered in order of first appearance, items in catalogue order, all vectorised.
    """
    items = IdMap(data.ids)
    catalogue = np.asarray(data.ids, dtype=np.int64)
    order = np.argsort(catalogue, kind="stable")
    sorted_ids = catalogue[order]
    at = np.searchsorted(sorted_ids, data.items)
    at = np.minimum(at, max(len(sorted_ids) - 1, 0))
    known = sorted_ids[at] == data.items if len(sorted_ids) else np.zeros(0, dtype=bool)
    cols = order[at[known]].astype(np.int64)
    kept = data.raters[known]
    uniques, first, inverse = np.unique(kept, return_index=True, return_inverse=True)
    rank = np.empty(len(uniques), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(uniques), dtype=np.int64)
    rows = rank[inverse.ravel()]
    matrix = interaction_matrix(rows, cols, (len(uniques), len(items)))
    del rows, cols, kept, inverse
    counted = log_popularity(item_counts(matrix))
    fallback = 0.5 * log_popularity(np.asarray(data.popularity, dtype=np.float64))
    prior: FloatArray = np.where(counted > 0, counted, fallback)
    return HybridModel.fit(
        items, matrix, data.features, popularity=prior, params=params, known_genres=known_genres
    )
