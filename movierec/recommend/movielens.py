"""Read a MovieLens-format folder: ``ratings.csv``, ``movies.csv`` and optional ``tags.csv``.

Any folder with the same columns works (ml-latest-small, ml-25m, ...). Parsing is plain
``csv`` plus numpy arrays; callers run it through ``asyncio.to_thread``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from movierec.catalog.titles import parse_movielens_title
from movierec.errors import InvalidInput, NotFound
from movierec.recommend.content import ItemFeatures
from movierec.recommend.matrix import FloatArray, IntArray

__all__ = ["MovieLens", "read_movielens"]

_MAX_TAGS_PER_MOVIE = 30


@dataclass(frozen=True, slots=True)
class MovieLens:
    """Ratings as parallel arrays, and content features per MovieLens movie id."""

    users: IntArray
    movies: IntArray
    ratings: FloatArray
    timestamps: IntArray
    features: dict[int, ItemFeatures]


def _require(folder: Path, name: str) -> Path:
    path = folder / name
    if not path.is_file():
        raise NotFound(f"no {name} in {folder} (expected a MovieLens-format folder)")
    return path


def read_movielens(folder: Path | str) -> MovieLens:
    """Load the folder; raises NotFound for a missing file, InvalidInput for a bad row."""
    root = Path(folder)
    if not root.is_dir():
        raise NotFound(f"no such folder: {root}")
    ratings_path = _require(root, "ratings.csv")
    movies_path = _require(root, "movies.csv")
    try:
        users, movies, ratings, stamps = [], [], [], []
        with ratings_path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                users.append(int(row["userId"]))
                movies.append(int(row["movieId"]))
                ratings.append(float(row["rating"]))
                stamps.append(int(row["timestamp"]))
        tags: dict[int, list[str]] = {}
        tags_path = root / "tags.csv"
        if tags_path.is_file():
            with tags_path.open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle):
                    tag = row["tag"].strip().lower()
                    bucket = tags.setdefault(int(row["movieId"]), [])
                    if tag and tag not in bucket and len(bucket) < _MAX_TAGS_PER_MOVIE:
                        bucket.append(tag)
        features: dict[int, ItemFeatures] = {}
        with movies_path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                movie_id = int(row["movieId"])
                title = parse_movielens_title(row["title"])
                genres = tuple(
                    g for g in row["genres"].split("|") if g and g != "(no genres listed)"
                )
                features[movie_id] = ItemFeatures(
                    genres=genres,
                    keywords=tuple(tags.get(movie_id, ())),
                    year=title.year,
                    title=title.title,
                )
    except (KeyError, ValueError, csv.Error, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{root}: not a MovieLens-format file ({exc})") from None
    return MovieLens(
        users=np.asarray(users, dtype=np.int64),
        movies=np.asarray(movies, dtype=np.int64),
        ratings=np.asarray(ratings, dtype=np.float64),
        timestamps=np.asarray(stamps, dtype=np.int64),
        features=features,
    )
