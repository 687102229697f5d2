"""TMDb v3 JSON shapes, parsed into :mod:`movierec.types` values.

The ``_Raw*`` models accept what TMDb sends (ignoring fields we do not use, treating
``""`` release dates as unknown); the public functions turn them into ``Movie``,
``MovieDetails``, ``MoviePage`` and ``Genre`` with ``poster_url`` filled in.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from movierec.tmdb.errors import malformed
from movierec.types import Genre, Movie, MovieDetails, MoviePage, poster_url

__all__ = [
    "MAX_PAGE",
    "ImageConfiguration",
    "TMDbConfiguration",
    "parse_configuration",
    "parse_details",
    "parse_genres",
    "parse_page",
]

MAX_PAGE = 500  # TMDb serves no page past 500, whatever total_pages says
TMDB_PAGE_SIZE = 20  # TMDb's lists come 20 to a page


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _RawGenre(_Lenient):
    id: int
    name: str


class _RawMovie(_Lenient):
    id: int
    title: str
    original_title: str | None = None
    overview: str | None = ""
    release_date: date | None = None
    genre_ids: list[int] = Field(default_factory=list)
    genres: list[_RawGenre] = Field(default_factory=list)
    popularity: float | None = 0.0
    vote_average: float | None = 0.0
    vote_count: int | None = 0
    poster_path: str | None = None
    adult: bool | None = False
    video: bool | None = False

    @field_validator("release_date", mode="before")
    @classmethod
    def _blank_date(cls, value: Any) -> Any:
        return None if value in ("", None) else value


class _RawKeywords(_Lenient):
    keywords: list[_RawGenre] = Field(default_factory=list)


class _RawDetails(_RawMovie):
    runtime: int | None = None
    tagline: str | None = None
    imdb_id: str | None = None
    keywords: _RawKeywords | None = None


class _RawPage(_Lenient):
    page: int
    total_pages: int = 1
    total_results: int = 0
    results: list[_RawMovie]


class _RawGenreList(_Lenient):
    genres: list[_RawGenre]


class ImageConfiguration(_Lenient):
    """The ``images`` part of TMDb's ``/configuration``."""

    base_url: str
    secure_base_url: str
    poster_sizes: list[str] = Field(default_factory=list)
    backdrop_sizes: list[str] = Field(default_factory=list)


class TMDbConfiguration(_Lenient):
    """TMDb's ``/configuration``: where images live and in which sizes."""

    images: ImageConfiguration


def _movie_fields(raw: _RawMovie, image_base_url: str, size: str) -> dict[str, Any]:
    genre_ids = raw.genre_ids or [genre.id for genre in raw.genres]
    return {
        "id": raw.id,
        "title": raw.title,
        "original_title": raw.original_title,
        "overview": raw.overview or "",
        "release_date": raw.release_date,
        "genre_ids": tuple(genre_ids),
        "popularity": raw.popularity or 0.0,
        "vote_average": raw.vote_average or 0.0,
        "vote_count": raw.vote_count or 0,
        "poster_path": raw.poster_path,
        "poster_url": poster_url(image_base_url, size, raw.poster_path),
        "adult": bool(raw.adult),
        "video": bool(raw.video),
    }


def _validate(model: type[_Lenient], data: Any, endpoint: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise malformed(endpoint, f"{where}: {first['msg']}") from None


def parse_page(
    data: Any,
    endpoint: str,
    image_base_url: str,
    size: str,
    *,
    include_adult: bool = False,
    include_video: bool = False,
) -> MoviePage:
    """A paged list of movies (trending, search, recommendations, similar, discover).

    Entries flagged ``adult`` or ``video`` are dropped unless included. ``total_pages``
    is capped at :data:`MAX_PAGE`: TMDb reports up to 38020 but serves no page past 500.
    """
    raw: _RawPage = _validate(_RawPage, data, endpoint)
    movies = [
        movie
        for movie in (Movie(**_movie_fields(item, image_base_url, size)) for item in raw.results)
        if (include_adult or not movie.adult) and (include_video or not movie.video)
    ]
    return MoviePage(
        items=movies,
        page=raw.page,
        size=TMDB_PAGE_SIZE,
        total=raw.total_results,
        total_pages=min(raw.total_pages, MAX_PAGE),
        source="tmdb",
    )


def parse_details(data: Any, endpoint: str, image_base_url: str, size: str) -> MovieDetails:
    """``/movie/{id}`` with ``append_to_response=keywords``."""
    raw: _RawDetails = _validate(_RawDetails, data, endpoint)
    keywords = raw.keywords.keywords if raw.keywords else []
    return MovieDetails(
        **_movie_fields(raw, image_base_url, size),
        runtime=raw.runtime or None,  # TMDb's 0 means unknown
        tagline=raw.tagline or None,
        imdb_id=raw.imdb_id or None,
        keywords=tuple(keyword.name for keyword in keywords),
        genres=tuple(Genre(id=genre.id, name=genre.name) for genre in raw.genres),
    )


def parse_genres(data: Any, endpoint: str) -> list[Genre]:
    """``/genre/movie/list``."""
    raw: _RawGenreList = _validate(_RawGenreList, data, endpoint)
    return [Genre(id=genre.id, name=genre.name) for genre in raw.genres]


def parse_configuration(data: Any, endpoint: str) -> TMDbConfiguration:
    """``/configuration``."""
    parsed: TMDbConfiguration = _validate(TMDbConfiguration, data, endpoint)
    return parsed
