"""Checks on discovery's inputs, and its cache keys (no I/O, cheap to import).

Shared by :class:`~movierec.discovery.MovieService` and the read-only fast path
(:mod:`movierec.discovery.cached`), so both name the same cache entries.
"""

from __future__ import annotations

from movierec.discovery.providers import TrendingWindow
from movierec.errors import InvalidInput

__all__ = [
    "check_int",
    "check_movie_id",
    "check_page",
    "check_query",
    "check_window",
    "check_year",
    "trending_key",
]

MAX_PAGE = 500
MAX_QUERY = 200
MIN_YEAR, MAX_YEAR = 1870, 2100
MAX_MOVIE_ID = 2**31 - 1
MAX_GENRES = 10


def check_int(name: str, value: object, low: int, high: int) -> int:
    """``value`` as an integer in ``low..high``, else :class:`InvalidInput` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput.field(name, "must be an integer")
    if not low <= value <= high:
        raise InvalidInput.field(name, f"must be between {low} and {high}")
    return value


def check_window(window: str) -> TrendingWindow:
    """``day`` or ``week``, else :class:`InvalidInput` naming ``window``."""
    if window == "day":
        return "day"
    if window == "week":
        return "week"
    raise InvalidInput.field("window", "must be day or week")


def check_page(page: int) -> int:
    """A page number 1..500 (TMDb's own bound)."""
    return check_int("page", page, 1, MAX_PAGE)


def check_movie_id(movie_id: int) -> int:
    """A TMDb movie id, 1..2**31-1."""
    return check_int("movie_id", movie_id, 1, MAX_MOVIE_ID)


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
    """A release year 1870..2100, or ``None``."""
    return None if year is None else check_int("year", year, MIN_YEAR, MAX_YEAR)


PAGE_SHAPE = "page2"  # in cached pages' keys: a page cached in an older shape is not read


def trending_key(source: str, window: TrendingWindow, page: int, language: str) -> str:
    """The cache key of one trending page of ``source`` (``tmdb`` or ``catalog``), before
    the page shape the service appends (``PAGE_SHAPE``)."""
    return f"{source}:trending:{window}:{page}:{language}"
