"""Parsing a MovieLens folder into catalog rows: pure, CPU-bound, run off the event loop.

The data set is keyed by MovieLens ``movieId``; the catalog is keyed by TMDb id, taken
from ``links.csv``. Movies without a TMDb id are skipped (and counted). When two MovieLens
ids share one TMDb id, their ratings are merged (the first movie's metadata wins).

Statistics derived from ``ratings.csv`` (``popularity`` and ``vote_*`` mirror TMDb's fields
so the two providers rank alike):

- ``rating_count``, ``rating_mean`` (0.5-5 stars), ``vote_count`` = ``rating_count``,
  ``vote_average`` = ``rating_mean`` x 2 on TMDb's 0-10 scale;
- ``popularity`` = a time-weighted count: each rating of the last :data:`RECENT_WINDOW_DAYS`
  days counts 1, each older one :data:`OLDER_RATING_WEIGHT`, so a film much rated lately
  outranks an old classic with a larger lifetime count (like TMDb's, it measures current
  attention; ``vote_count`` keeps the lifetime count);
- ``recent_rating_count`` = ratings in the last :data:`RECENT_WINDOW_DAYS` days of the data
  set, measured back from its latest rating (not from today: the data set ends in the past).

MovieLens only records a release year: it is ``release_year`` (``None`` when the title
carries no year) and ``release_date`` stays ``None`` (no date is invented).
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from movierec.catalog.genres import genre_key, map_movielens_genres
from movierec.catalog.titles import parse_movielens_title, search_key
from movierec.errors import InvalidInput

__all__ = [
    "RECENT_WINDOW_DAYS",
    "REQUIRED_FILES",
    "ParsedCatalog",
    "add_statistics",
    "parse_movielens",
]

REQUIRED_FILES = ("movies.csv", "links.csv", "ratings.csv")
RECENT_WINDOW_DAYS = 365
OLDER_RATING_WEIGHT = 0.1
MAX_KEYWORDS = 20


@dataclass
class ParsedCatalog:
    """The movies an import writes (by TMDb id), the id map for ratings, what was skipped.

    Ratings are not held here: :mod:`movierec.catalog.ratings` streams them.
    """

    movies: dict[int, dict[str, Any]] = field(default_factory=dict)
    tmdb_of: dict[int, int] = field(default_factory=dict)
    skipped_movies: int = 0
    merged_movies: int = 0
    tags: int = 0


def _rows(path: Path, columns: tuple[str, ...]) -> Iterator[dict[str, str]]:
    """The rows of a CSV file, after checking it has ``columns``."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [name for name in columns if name not in (reader.fieldnames or [])]
        if missing:
            raise InvalidInput.field("path", f"{path.name} lacks the columns {', '.join(missing)}")
        try:
            yield from reader
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InvalidInput.field("path", f"{path.name}: {exc}") from None


def _links(folder: Path) -> tuple[dict[int, int], dict[int, str]]:
    """MovieLens id -> TMDb id, and MovieLens id -> IMDb id (``tt`` + 7 digits)."""
    tmdb_ids: dict[int, int] = {}
    imdb_ids: dict[int, str] = {}
    for row in _rows(folder / "links.csv", ("movieId", "imdbId", "tmdbId")):
        movie = int(row["movieId"])
        tmdb = (row["tmdbId"] or "").strip()
        if tmdb.isdigit() and int(tmdb) > 0:
            tmdb_ids[movie] = int(tmdb)
        imdb = (row["imdbId"] or "").strip()
        if imdb.isdigit():
            imdb_ids[movie] = "tt" + imdb.zfill(7)
    return tmdb_ids, imdb_ids


def _keywords(folder: Path, catalog: ParsedCatalog) -> dict[int, list[str]]:
    path = folder / "tags.csv"
    if not path.is_file():
        return {}
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    for row in _rows(path, ("movieId", "tag")):
        tag = " ".join((row["tag"] or "").split()).lower()
        if tag:
            counts[int(row["movieId"])][tag] += 1
            catalog.tags += 1
    return {
        movie: [tag for tag, _ in counter.most_common(MAX_KEYWORDS)]
        for movie, counter in counts.items()
    }


def parse_movielens(folder: Path) -> ParsedCatalog:
    """Read a MovieLens folder's movies (``movies.csv``, ``links.csv``, ``tags.csv``).

    ``ratings.csv`` must exist; its rows are read later, in chunks.
    """
    missing = [name for name in REQUIRED_FILES if not (folder / name).is_file()]
    if missing:
        raise InvalidInput.field(
            "path", f"{folder} is not a MovieLens folder (missing {', '.join(missing)})"
        )
    catalog = ParsedCatalog()
    links, imdb = _links(folder)
    keywords = _keywords(folder, catalog)
    tmdb_of = catalog.tmdb_of
    movies = catalog.movies
    for row in _rows(folder / "movies.csv", ("movieId", "title", "genres")):
        movielens_id = int(row["movieId"])
        tmdb = links.get(movielens_id)
        if tmdb is None:
            catalog.skipped_movies += 1
            continue
        tmdb_of[movielens_id] = tmdb
        if tmdb in movies:
            catalog.merged_movies += 1
            continue
        parsed = parse_movielens_title(row["title"])
        genres = map_movielens_genres(row["genres"])
        movies[tmdb] = {
            "id": tmdb,
            "title": parsed.title[:512],
            "original_title": (parsed.original_title or None) and parsed.original_title[:512],
            "search_title": search_key(parsed.title, parsed.original_title),
            "release_date": None,  # MovieLens knows the year only: no date is invented
            "release_year": parsed.year,
            "genre_ids": genres,
            "genre_key": genre_key(genres),
            "keywords": keywords.get(movielens_id, []),
            "imdb_id": imdb.get(movielens_id),
            "movielens_id": movielens_id,
        }
    return catalog


def popularity(count: int, recent: int) -> float:
    """Time-weighted attention: recent ratings count fully, older ones a tenth."""
    return round(recent + OLDER_RATING_WEIGHT * (count - recent), 4)


def add_statistics(catalog: ParsedCatalog, stats: dict[int, tuple[int, float, int]]) -> None:
    """Fill in each movie's rating statistics from ``stats`` (TMDb id -> count, mean, recent)."""
    for movie_id, row in catalog.movies.items():
        count, mean, recent = stats.get(movie_id, (0, 0.0, 0))
        row.update(
            rating_count=count,
            rating_mean=round(mean, 4),
            vote_count=count,
            vote_average=round(mean * 2, 2),
            popularity=popularity(count, recent),
            recent_rating_count=recent,
            in_catalog=True,
        )
