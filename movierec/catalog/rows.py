"""Conversions between the ``Movie`` table and the typed ``Movie`` values."""

from __future__ import annotations

from typing import Any

from movierec.catalog.genres import genre_key, genre_names
from movierec.catalog.titles import search_key
from movierec.db.models import Movie as MovieRow
from movierec.types import Movie, MovieDetails, poster_url

__all__ = ["METADATA_FIELDS", "STAT_FIELDS", "details_from_row", "movie_from_row", "row_fields"]

METADATA_FIELDS = (
    "title",
    "original_title",
    "search_title",
    "overview",
    "release_date",
    "release_year",
    "genre_ids",
    "genre_key",
    "poster_path",
)
"""What a TMDb sighting refreshes on any local movie."""

STAT_FIELDS = ("popularity", "vote_average", "vote_count")
"""TMDb's statistics: refreshed only on movies outside the catalog, whose statistics
come from the imported ratings instead."""


def _common(row: MovieRow, image_base_url: str, size: str) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "original_title": row.original_title,
        "overview": row.overview or "",
        "release_date": row.release_date,
        "release_year": row.release_year,
        "genre_ids": tuple(row.genre_ids or ()),
        "popularity": row.popularity,
        "vote_average": row.vote_average,
        "vote_count": row.vote_count,
        "poster_path": row.poster_path,
        "poster_url": poster_url(image_base_url, size, row.poster_path),
    }


def movie_from_row(row: MovieRow, image_base_url: str, size: str) -> Movie:
    """A typed ``Movie`` from a table row."""
    return Movie(**_common(row, image_base_url, size))


def details_from_row(row: MovieRow, image_base_url: str, size: str) -> MovieDetails:
    """A typed ``MovieDetails`` from a table row (genre names from TMDb's static list)."""
    return MovieDetails(
        **_common(row, image_base_url, size),
        imdb_id=row.imdb_id,
        keywords=tuple(row.keywords or ()),
        genres=genre_names(row.genre_ids or ()),
    )


def row_fields(movie: Movie) -> dict[str, Any]:
    """The table fields a TMDb ``Movie`` fills (used to upsert what TMDb showed us)."""
    fields: dict[str, Any] = {
        "id": movie.id,
        "title": movie.title[:512],
        "original_title": movie.original_title[:512] if movie.original_title else None,
        "search_title": search_key(movie.title, movie.original_title),
        "overview": movie.overview,
        "release_date": movie.release_date,
        "release_year": movie.year,
        "genre_ids": list(movie.genre_ids),
        "genre_key": genre_key(movie.genre_ids),
        "poster_path": movie.poster_path,
        "popularity": movie.popularity,
        "vote_average": movie.vote_average,
        "vote_count": movie.vote_count,
    }
    if isinstance(movie, MovieDetails):
        fields.update(keywords=list(movie.keywords), imdb_id=movie.imdb_id)
    return fields
