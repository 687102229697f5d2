"""A tiny MovieLens data set generator, so tests never need the real one.

The default data set is built so each statistic has one right answer:

- all time, Toy Story is the most rated (10 ratings);
- in the last 12 months of the data, The Matrix (6), then Matrix Reloaded and Heat (4);
- in the last 30 days, Heat (4), then Amélie (2);
- everyone who rated The Matrix 4+ and also rated anything else rated Matrix Reloaded;
- one movie has no TMDb id (skipped), and two MovieLens ids share Heat's TMDb id (merged).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

LATEST = datetime(2018, 9, 24, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class FakeMovie:
    movie_id: int
    title: str
    genres: str
    tmdb_id: int | None
    imdb_id: int = 0


@dataclass(frozen=True)
class FakeRatings:
    """``raters`` each rated ``movie_id`` with ``rating``, ``days_ago`` before LATEST."""

    movie_id: int
    raters: tuple[int, ...]
    days_ago: float
    rating: float


@dataclass(frozen=True)
class MovieLensSpec:
    movies: tuple[FakeMovie, ...]
    ratings: tuple[FakeRatings, ...]
    tags: tuple[tuple[int, int, str], ...] = ()
    extra_files: dict[str, str] = field(default_factory=dict)


DEFAULT_MOVIES = (
    FakeMovie(1, "Matrix, The (1999)", "Action|Sci-Fi|Thriller", 603, 133093),
    FakeMovie(2, "Matrix Reloaded, The (2003)", "Action|Adventure|Sci-Fi|Thriller|IMAX", 604),
    FakeMovie(
        3, "Amélie (Fabuleux destin d'Amélie Poulain, Le) (2001)", "Comedy|Romance", 194, 211915
    ),
    FakeMovie(4, "Toy Story (1995)", "Adventure|Animation|Children|Comedy|Fantasy", 862, 114709),
    FakeMovie(5, "Godfather, The (1972)", "Crime|Drama", 238),
    FakeMovie(6, "Heat (1995)", "Action|Crime|Thriller", 949),
    FakeMovie(7, "Lost Without Link (2000)", "Drama", None),
    FakeMovie(8, "Shawshank Redemption, The (1994)", "Crime|Drama", 278),
    FakeMovie(9, "Heat (1995)", "Action", 949),
)

DEFAULT_RATINGS = (
    FakeRatings(4, tuple(range(1, 11)), 900, 4.0),
    FakeRatings(1, (1, 2, 3, 4, 5, 6), 100, 5.0),
    FakeRatings(2, (1, 2, 3, 4), 100, 4.0),
    FakeRatings(6, (11, 12, 13), 5, 4.0),
    FakeRatings(6, (14,), 0, 4.0),
    FakeRatings(9, (11,), 3, 3.0),
    FakeRatings(3, (1, 2), 10, 4.5),
    FakeRatings(5, (7,), 400, 5.0),
    FakeRatings(8, (8,), 2000, 3.0),
    FakeRatings(7, (9,), 1, 2.0),
)

DEFAULT_TAGS = ((1, 1, "cyberpunk"), (2, 1, "Cyberpunk "), (3, 1, "philosophy"), (1, 6, "heist"))

DEFAULT = MovieLensSpec(DEFAULT_MOVIES, DEFAULT_RATINGS, DEFAULT_TAGS)
"""7 catalog movies, 28 ratings after merging, 1 movie and 1 rating skipped."""


def _csv(rows: list[list[object]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def movielens_files(spec: MovieLensSpec = DEFAULT) -> dict[str, str]:
    """File name -> CSV text of a MovieLens folder."""
    movies: list[list[object]] = [["movieId", "title", "genres"]]
    links: list[list[object]] = [["movieId", "imdbId", "tmdbId"]]
    for movie in spec.movies:
        movies.append([movie.movie_id, movie.title, movie.genres])
        imdb = f"{movie.imdb_id:07d}" if movie.imdb_id else f"{9_000_000 + movie.movie_id}"
        links.append([movie.movie_id, imdb, "" if movie.tmdb_id is None else movie.tmdb_id])
    ratings: list[list[object]] = [["userId", "movieId", "rating", "timestamp"]]
    for group in spec.ratings:
        stamp = int((LATEST - timedelta(days=group.days_ago)).timestamp())
        ratings += [[rater, group.movie_id, group.rating, stamp] for rater in group.raters]
    files = {
        "movies.csv": _csv(movies),
        "links.csv": _csv(links),
        "ratings.csv": _csv(ratings),
    }
    if spec.tags:
        stamp = int(LATEST.timestamp())
        tags: list[list[object]] = [["userId", "movieId", "tag", "timestamp"]]
        tags += [[user, movie, tag, stamp] for user, movie, tag in spec.tags]
        files["tags.csv"] = _csv(tags)
    files.update(spec.extra_files)
    return files


def write_movielens(folder: Path, spec: MovieLensSpec = DEFAULT) -> Path:
    """Write a MovieLens folder; returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in movielens_files(spec).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def movielens_zip(spec: MovieLensSpec = DEFAULT, top: str = "ml-latest-small") -> bytes:
    """The data set zipped the way GroupLens ships it (one top-level folder)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr(f"{top}/README.txt", "tiny generated MovieLens data set\n")
        for name, text in movielens_files(spec).items():
            bundle.writestr(f"{top}/{name}", text)
    return buffer.getvalue()
