"""Checks on discovery's inputs, and its cache keys (no I/O, cheap to import).

Shared by :class:`~movierec.discovery.MovieService` and the read-only fast path
(:mod:`movierec.discovery.cached`), so both name the same cache entries.
"""

from __future__ import annotations

from movierec.discovery.keys import PAGE_SHAPE, trending_key
from movierec.discovery.providers import TrendingWindow
from movierec.errors import InvalidInput
from movierec.types import GenreId, MovieId, PageNo, Year, checked

__all__ = [
    "PAGE_SHAPE",
    "check_genre_id",
    "check_movie_id",
    "check_page",
    "check_query",
    "check_window",
    "check_year",
    "trending_key",
]

MAX_QUERY = 200
MAX_GENRES = 10


def check_window(window: str) -> TrendingWindow:
    """``day`` or ``week``, else :class:`InvalidInput` naming ``window``."""
    if window == "day":
        return "day"
    if window == "week":
        return "week"
    raise InvalidInput.field("window", "must be day or week")


def check_page(page: int) -> int:
    """A :data:`~movierec.types.PageNo` (1..500, TMDb's own bound)."""
    return int(checked(PageNo, "page", page))


def check_movie_id(movie_id: int) -> int:
    """A :data:`~movierec.types.MovieId`."""
    return int(checked(MovieId, "movie_id", movie_id))


def check_genre_id(genre_id: int) -> int:
    """A :data:`~movierec.types.GenreId` (named ``genre_ids``, the parameter that lists it)."""
    return int(checked(GenreId, "genre_ids", genre_id))


def check_query(query: str) -> str:
    """A search query of 1..200 characters once stripped."""
    text = " ".join(str(query).split())
    # Named for people ("the search query"): the HTTP API calls it q, the CLI QUERY.
    if not text:
        raise InvalidInput(
            "the search query must not be empty", details={"fields": {"q": "must not be empty"}}
        )
    if len(text) > MAX_QUERY:
        problem = f"must be at most {MAX_QUERY} characters"
        raise InvalidInput(f"the search query {problem}", details={"fields": {"q": problem}})
    return text


def check_year(year: int | None) -> int | None:
    """A :data:`~movierec.types.Year`, or ``None``."""
    return None if year is None else int(checked(Year, "year", year))
