"""Candidates from the movie source, fetched concurrently with a bound.

For a user with favorites: the source's recommendations and similar titles of a few seed
favorites; for everyone: popular movies of their preferred genres; for the cold start:
trending this week. Every call goes through ``mr.movies`` (cached, single-flight), and a
failing call only loses its own candidates.

Evidence of one list decays with rank, ``1 / (1 + rank / 5)``, and adds up across lists;
each candidate remembers the seed favorite that contributed most (its "because").
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Literal

from movierec.errors import MovieRecError
from movierec.types import Movie, MoviePage

if TYPE_CHECKING:
    from movierec.discovery import MovieService

__all__ = ["Candidate", "CandidateSource", "gather_candidates"]

log = logging.getLogger(__name__)

CandidateSource = Literal["related", "genre", "trending"]
GENRE_SHARE = 0.3
"""Popular-in-genre lists count this much of a related list (they are not personal);
for a user without favorites they count fully: preferences are all we know."""


@dataclass(slots=True)
class Candidate:
    """A movie some source suggested, with accumulated evidence."""

    movie: Movie
    evidence: float = 0.0
    anchor: int | None = None
    source: CandidateSource = "related"
    sources: set[CandidateSource] = field(default_factory=set)
    _best: float = field(default=0.0, repr=False)

    def add(self, amount: float, anchor: int | None, source: CandidateSource) -> None:
        """Add evidence; the strongest contribution names the anchor and source."""
        self.evidence += amount
        self.sources.add(source)
        if amount > self._best:
            self._best = amount
            self.anchor = anchor
            self.source = source


def _decay(rank: int) -> float:
    return 1.0 / (1.0 + rank / 5.0)


async def gather_candidates(
    movies: MovieService,
    *,
    seeds: Sequence[int],
    genres: Sequence[int],
    trending: bool,
    concurrency: int,
    errors: list[MovieRecError] | None = None,
) -> dict[int, Candidate]:
    """Candidates by movie id from every source, at most ``concurrency`` calls at a time.

    Failed calls are skipped (and appended to ``errors`` when given).
    """
    bound = asyncio.Semaphore(concurrency)
    jobs: list[tuple[Callable[[], Awaitable[MoviePage]], int | None, CandidateSource]] = []
    service = movies
    for seed in seeds:
        jobs.append((partial(service.recommendations_for, seed), seed, "related"))
        jobs.append((partial(service.similar, seed), seed, "related"))
    for genre in genres:
        jobs.append((partial(service.discover, [genre]), None, "genre"))
    if trending:
        jobs.append((partial(service.trending, "week"), None, "trending"))

    async def run(fetch: Callable[[], Awaitable[MoviePage]]) -> list[Movie]:
        async with bound:
            try:
                return list((await fetch()).items)
            except MovieRecError as exc:
                log.warning("recommendation candidates skipped: %s", exc.message)
                if errors is not None:
                    errors.append(exc)
                return []

    pages = await asyncio.gather(*(run(fetch) for fetch, _, _ in jobs))
    found: dict[int, Candidate] = {}
    for (_, anchor, source), listed in zip(jobs, pages, strict=True):
        share = GENRE_SHARE if source == "genre" and seeds else 1.0
        for rank, movie in enumerate(listed):
            candidate = found.setdefault(movie.id, Candidate(movie))
            candidate.add(share * _decay(rank), anchor, source)
    return found
