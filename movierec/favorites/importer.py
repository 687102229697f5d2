"""Resolving the rows of an import file to movies, before anything is stored."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from movierec.db.models import Favorite
from movierec.errors import NotFound
from movierec.favorites.formats import ImportRow
from movierec.favorites.resolve import match_title, movie_details, movie_id_for_imdb
from movierec.favorites.types import (
    ImportCandidate,
    ImportFormat,
    ImportIssue,
    ImportMatch,
    ImportReport,
)
from movierec.types import Movie

if TYPE_CHECKING:
    from movierec.discovery import MovieService

__all__ = ["ImportPlan", "owned_movie_ids", "plan_import"]

CONCURRENCY = 8
"""Rows resolved at once (each may be a TMDb search on a cache miss)."""


@dataclass(frozen=True, slots=True)
class _Resolved:
    row: ImportRow
    movie: Movie | None = None
    reason: str | None = None
    candidates: list[ImportCandidate] = field(default_factory=list)


@dataclass
class ImportPlan:
    """Every row resolved: what would be added, and what could not be matched."""

    rows: int
    matched: list[ImportMatch] = field(default_factory=list)
    ambiguous: list[ImportIssue] = field(default_factory=list)
    skipped: list[ImportIssue] = field(default_factory=list)
    new_movies: list[Movie] = field(default_factory=list)

    def report(self, format: ImportFormat) -> ImportReport:
        """The report of this plan, before anything is written."""
        return ImportReport(
            format=format,
            rows=self.rows,
            matched=self.matched,
            ambiguous=self.ambiguous,
            skipped=self.skipped,
            written=False,
        )


async def _resolve(movies: MovieService, row: ImportRow) -> _Resolved:
    if row.problem is not None:
        return _Resolved(row, reason=row.problem)
    movie_id = row.movie_id
    if movie_id is None and row.imdb_id is not None:
        movie_id = await movie_id_for_imdb(movies, row.imdb_id)
        if movie_id is None and row.title is None:
            return _Resolved(row, reason=f"IMDb id {row.imdb_id} is not in the catalog")
    if movie_id is not None:
        try:
            return _Resolved(row, movie=await movie_details(movies, movie_id))
        except NotFound:
            return _Resolved(row, reason=f"no movie {movie_id}")
    assert row.title is not None
    found = await match_title(movies, row.title, row.year)
    if found.movie is not None:
        return _Resolved(row, movie=found.movie)
    if found.candidates:
        return _Resolved(row, reason="several movies match", candidates=found.candidates)
    return _Resolved(row, reason="no movie matches this title")


async def owned_movie_ids(user_id: int, among: list[int] | None = None) -> set[int]:
    """The movie ids among the user's favorites (restricted to ``among`` when given)."""
    query = Favorite.filter(user_id=user_id)
    if among is not None:
        query = query.filter(movie_id__in=among)
    values: list[Any] = await query.values_list("movie_id", flat=True)
    return {int(value) for value in values}


async def plan_import(
    movies: MovieService,
    user_id: int,
    rows: list[ImportRow],
    progress: Callable[[int, int], None] | None = None,
) -> ImportPlan:
    """Resolve every row (a few at a time), reporting ``progress(done, total)``."""
    gate = asyncio.Semaphore(CONCURRENCY)
    done = 0

    async def one(row: ImportRow) -> _Resolved:
        nonlocal done
        async with gate:
            resolved = await _resolve(movies, row)
        done += 1
        if progress is not None:
            progress(done, len(rows))
        return resolved

    if progress is not None:
        progress(0, len(rows))
    outcomes = await asyncio.gather(*(one(row) for row in rows))
    owned = await owned_movie_ids(user_id)
    plan = ImportPlan(rows=len(rows))
    for outcome in outcomes:
        row, movie = outcome.row, outcome.movie
        if movie is None:
            issue = ImportIssue(
                line=row.line,
                input=row.label,
                reason=outcome.reason or "not matched",
                candidates=outcome.candidates,
            )
            (plan.ambiguous if outcome.candidates else plan.skipped).append(issue)
            continue
        known = movie.id in owned
        plan.matched.append(
            ImportMatch(line=row.line, movie_id=movie.id, title=movie.title, already_favorite=known)
        )
        if not known:
            owned.add(movie.id)
            plan.new_movies.append(movie)
    return plan
