"""Finding the movie a favorite or an import row means.

Every lookup goes through discovery (``movies``), so it is cached and works on TMDb
or the offline catalog alike:

- :func:`movie_details` is the one place favorites read a movie by TMDb id;
- :func:`match_title` searches a title (and year) and scores the results with rapidfuzz;
- :func:`movie_id_for_imdb` reads the IMDb id the MovieLens ``links.csv`` gave the catalog.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from movierec.catalog.titles import fold
from movierec.db.models import Movie as MovieRow
from movierec.favorites.types import ImportCandidate, TitleMatch
from movierec.types import Movie, MovieDetails

if TYPE_CHECKING:
    from movierec.discovery import MovieService

__all__ = ["choose", "match_title", "movie_details", "movie_id_for_imdb"]

MIN_SCORE = 80.0
"""Below this title similarity a search result is not a candidate at all."""
CLEAR_LEAD = 6.0
"""The best candidate wins outright when it leads the next one by this much."""
MAX_CANDIDATES = 5


async def movie_details(movies: MovieService, movie_id: int) -> MovieDetails:
    """The movie with this TMDb id (cached); :class:`NotFound` when the source lacks it."""
    return await movies.details(movie_id)


async def _search(movies: MovieService, title: str, year: int | None) -> list[Movie]:
    """The first page of discovery's search (cached), best matches first."""
    return list((await movies.search(title, year=year)).items)


async def movie_id_for_imdb(movies: MovieService, imdb_id: str) -> int | None:
    """The TMDb id of the catalog movie with this IMDb id (``tt0133093``), if any."""
    found = await MovieRow.filter(imdb_id=imdb_id.lower()).order_by("id").first()
    return found.id if found is not None else None


def _score(title: str, movie: Movie) -> float:
    wanted = fold(title)
    names = [movie.title] + ([movie.original_title] if movie.original_title else [])
    return max(float(fuzz.ratio(wanted, fold(name))) for name in names)


def choose(
    scored: Sequence[tuple[float, float, ImportCandidate]],
) -> tuple[int | None, list[ImportCandidate]]:
    """Decide among ``(score, popularity, candidate)`` triples (scores >= :data:`MIN_SCORE`).

    Returns the winner's movie id (one candidate, or one leading the next by
    :data:`CLEAR_LEAD`), or ``None`` with the close candidates, best first.
    """
    ranked = sorted(scored, key=lambda triple: (-triple[0], -triple[1]))
    candidates = [candidate for _, _, candidate in ranked[:MAX_CANDIDATES]]
    if not ranked:
        return None, []
    if len(ranked) == 1 or ranked[0][0] - ranked[1][0] >= CLEAR_LEAD:
        return candidates[0].movie_id, candidates[:1]
    return None, candidates


async def match_title(movies: MovieService, title: str, year: int | None) -> TitleMatch:
    """Search ``title`` (in ``year``, then a year either side) and pick the clear winner.

    A result counts as a candidate when its title is at least :data:`MIN_SCORE` similar.
    One candidate, or one leading the next by :data:`CLEAR_LEAD`, is the match; several
    close ones make the title ambiguous (listed best first).
    """
    results = await _search(movies, title, year)
    if not results and year is not None:
        near = await _search(movies, title, None)
        results = [m for m in near if m.year is not None and abs(m.year - year) <= 1]
    by_id = {m.id: m for m in results}
    scored = [
        (
            s,
            m.popularity,
            ImportCandidate(movie_id=m.id, title=m.title, release_year=m.year, score=round(s, 1)),
        )
        for m in results
        if (s := _score(title, m)) >= MIN_SCORE
    ]
    winner, candidates = choose(scored)
    if winner is not None:
        return TitleMatch(movie=by_id[winner], candidates=candidates)
    return TitleMatch(candidates=candidates)
