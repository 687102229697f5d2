"""The queries of the fake TMDb: trending, search, related, discover, over :class:`FakeMovie`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from unidecode import unidecode

from movierec.testing.fixtures import FakeMovie

__all__ = ["discover", "paged", "related", "search", "trending"]

PAGE_SIZE = 20
_SORT_FIELDS = {
    "popularity": lambda m: m.popularity,
    "vote_average": lambda m: m.vote_average,
    "vote_count": lambda m: m.vote_count,
    "primary_release_date": lambda m: m.release_date,
    "release_date": lambda m: m.release_date,
    "title": lambda m: m.title,
    "original_title": lambda m: m.original_title or m.title,
}


def fold(text: str) -> str:
    """Lower-case ASCII, the way TMDb's search ignores case and accents."""
    return unidecode(text).lower()


def paged(movies: Sequence[FakeMovie], page: int) -> dict[str, Any]:
    """TMDb's paging envelope around one page of ``movies``."""
    total = len(movies)
    pages = max(1, -(-total // PAGE_SIZE)) if total else 1
    chunk = movies[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return {
        "page": page,
        "results": [movie.list_item() for movie in chunk],
        "total_pages": pages if total else 0,
        "total_results": total,
    }


def trending(movies: Iterable[FakeMovie], window: str) -> list[FakeMovie]:
    """Day: most popular first. Week: most voted first."""
    visible = [m for m in movies if not m.adult]
    if window == "day":
        return sorted(visible, key=lambda m: (-m.popularity, m.id))
    return sorted(visible, key=lambda m: (-m.vote_count, m.id))


def search(
    movies: Iterable[FakeMovie], query: str, year: int | None, include_adult: bool
) -> list[FakeMovie]:
    """Titles containing every word of ``query`` (case and accents ignored), popular first."""
    words = fold(query).split()
    found = []
    for movie in movies:
        if movie.adult and not include_adult:
            continue
        if year is not None and not movie.release_date.startswith(str(year)):
            continue
        haystack = fold(f"{movie.title} {movie.original_title or ''}")
        if words and all(word in haystack for word in words):
            found.append(movie)
    return sorted(found, key=lambda m: (-m.popularity, m.id))


def related(movies: Iterable[FakeMovie], seed: FakeMovie, by_keywords: bool) -> list[FakeMovie]:
    """Movies sharing genres with ``seed`` (recommendations also weigh shared keywords)."""
    scored = []
    for movie in movies:
        if movie.id == seed.id or movie.adult:
            continue
        score = len(set(movie.genre_ids) & set(seed.genre_ids))
        if by_keywords:
            score += 2 * len(set(movie.keywords) & set(seed.keywords))
        if score:
            scored.append((score, movie))
    scored.sort(key=lambda pair: (-pair[0], -pair[1].popularity, pair[1].id))
    return [movie for _, movie in scored]


def discover(movies: Iterable[FakeMovie], with_genres: str, sort_by: str) -> list[FakeMovie]:
    """``with_genres`` "a,b" (all of) or "a|b" (any of); ``sort_by`` like popularity.desc."""
    found = [m for m in movies if not m.adult]
    if with_genres:
        any_of = "|" in with_genres
        wanted = {int(part) for part in with_genres.replace("|", ",").split(",") if part}
        if any_of:
            found = [m for m in found if wanted & set(m.genre_ids)]
        else:
            found = [m for m in found if wanted <= set(m.genre_ids)]
    field, _, direction = sort_by.partition(".")
    key = _SORT_FIELDS.get(field, _SORT_FIELDS["popularity"])
    return sorted(found, key=key, reverse=direction != "asc")
