"""Resolving the rows of an import file to movies, before anything is stored.

Rows with a TMDb or IMDb id are looked up one by one (cached). Rows with only a title are
matched together against a :class:`~movierec.favorites.titleindex.TitleIndex` of the
catalog, loaded once per import; with TMDb configured, titles the local catalog does not
know are then searched on TMDb.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from movierec.db.models import Favorite
from movierec.errors import NotFound
from movierec.favorites.formats import ImportRow
from movierec.favorites.resolve import match_title, movie_details, movie_id_for_imdb
from movierec.favorites.titleindex import BATCH, TitleIndex, catalog_movies
from movierec.favorites.types import (
    ImportCandidate,
    ImportFormat,
    ImportIssue,
    ImportMatch,
    ImportReport,
)
from movierec.types import Movie, Progress

if TYPE_CHECKING:
    from movierec.config import Settings
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


async def _resolve_by_id(movies: MovieService, row: ImportRow) -> _Resolved | None:
    """The row resolved by its ids, or ``None`` when only its title can tell."""
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
    return None


async def _resolve_by_search(movies: MovieService, row: ImportRow) -> _Resolved:
    assert row.title is not None
    found = await match_title(movies, row.title, row.year)
    if found.movie is not None:
        return _Resolved(row, movie=found.movie)
    if found.candidates:
        return _Resolved(row, reason="several movies match", candidates=found.candidates)
    return _Resolved(row, reason="no movie matches this title")


async def _resolve_titles(
    movies: MovieService,
    settings: Settings,
    rows: list[ImportRow],
    gate: asyncio.Semaphore,
    tick: Callable[[int], None],
) -> list[_Resolved]:
    """Match title rows against the catalog's index; search TMDb for what it lacks."""
    index = await TitleIndex.load()
    if not len(index):  # no local catalog: search answers (or says the catalog is empty)

        async def searched(row: ImportRow) -> _Resolved:
            async with gate:
                resolved = await _resolve_by_search(movies, row)
            tick(1)
            return resolved

        return list(await asyncio.gather(*(searched(row) for row in rows)))
    matches = []
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        queries = [(row.title or "", row.year) for row in batch]
        matches += await asyncio.to_thread(index.match_many, queries)
        tick(len(batch))
    winners = [m.movie_id for m in matches if m.movie_id is not None]
    found = await catalog_movies(winners, settings.tmdb_image_base_url, settings.tmdb_poster_size)
    resolved: list[_Resolved] = []
    for row, match in zip(rows, matches, strict=True):
        if match.movie_id is not None and match.movie_id in found:
            resolved.append(_Resolved(row, movie=found[match.movie_id]))
        elif match.candidates:
            resolved.append(
                _Resolved(row, reason="several movies match", candidates=match.candidates)
            )
        elif settings.tmdb_enabled:  # TMDb knows more movies than the local catalog
            async with gate:
                resolved.append(await _resolve_by_search(movies, row))
        else:
            resolved.append(_Resolved(row, reason="no movie matches this title"))
    return resolved


async def owned_movie_ids(user_id: int, among: list[int] | None = None) -> set[int]:
    """The movie ids among the user's favorites (restricted to ``among`` when given)."""
    query = Favorite.filter(user_id=user_id)
    if among is not None:
        query = query.filter(movie_id__in=among)
    values: list[Any] = await query.values_list("movie_id", flat=True)
    return {int(value) for value in values}


async def plan_import(
    movies: MovieService,
    settings: Settings,
    user_id: int,
    rows: list[ImportRow],
    progress: Progress | None = None,
) -> ImportPlan:
    """Resolve every row (a few at a time), reporting ``progress(done, total, "matching")``.

    ``settings`` tells whether TMDb can be searched for titles the catalog lacks, and
    how poster URLs of catalog matches are built.
    """
    gate = asyncio.Semaphore(CONCURRENCY)
    done = 0

    def tick(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(done, len(rows), "matching")

    async def by_id(row: ImportRow) -> _Resolved | None:
        async with gate:
            resolved = await _resolve_by_id(movies, row)
        if resolved is not None:
            tick(1)
        return resolved

    tick(0)
    first = await asyncio.gather(*(by_id(row) for row in rows))
    titled = [row for row, resolved in zip(rows, first, strict=True) if resolved is None]
    by_title = iter(await _resolve_titles(movies, settings, titled, gate, tick) if titled else [])
    outcomes = [resolved if resolved is not None else next(by_title) for resolved in first]
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
