"""Finding the movie a favorite or an import row means.

Every lookup goes through discovery (``mr.movies``), so it is cached and works on TMDb
or the offline catalog alike:

- :func:`movie_details` is the one place favorites read a movie by TMDb id;
- :func:`match_title` searches a title (and year) and scores the results with rapidfuzz;
- :func:`movie_id_for_imdb` reads the IMDb id the MovieLens ``links.csv`` gave the catalog.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rapidfuzz import fuzz
from unidecode import unidecode

from movierec.db.models import Movie as MovieRow
from movierec.errors import NotFound
from movierec.favorites.types import ImportCandidate, TitleMatch
from movierec.types import Movie, MovieDetails

if TYPE_CHECKING:
    from movierec.core import MovieRec

__all__ = ["match_title", "movie_details", "movie_id_for_imdb"]

MIN_SCORE = 80.0
"""Below this title similarity a search result is not a candidate at all."""
CLEAR_LEAD = 6.0
"""The best candidate wins outright when it leads the next one by this much."""
MAX_CANDIDATES = 5


async def movie_details(mr: MovieRec, movie_id: int) -> MovieDetails:
    """The movie with this TMDb id; :class:`NotFound` when neither source knows it."""
    row = await MovieRow.get_or_none(id=movie_id)
    if row is None:
        raise NotFound(f"no movie {movie_id}", details={"movie_id": movie_id})
    base = mr.settings.tmdb_image_base_url.rstrip("/")
    poster = f"{base}/{mr.settings.tmdb_poster_size}/{(row.poster_path or '').lstrip('/')}"
    return MovieDetails(
        id=row.id,
        title=row.title,
        release_date=row.release_date,
        genre_ids=tuple(row.genre_ids or ()),
        poster_path=row.poster_path,
        poster_url=poster if row.poster_path else None,
        imdb_id=row.imdb_id,
    )


async def _search(mr: MovieRec, title: str, year: int | None) -> list[Movie]:
    query = MovieRow.filter(title__icontains=title)
    if year is not None:
        query = query.filter(
            release_date__gte=date(year, 1, 1), release_date__lte=date(year, 12, 31)
        )
    rows = await query.limit(20)
    return [
        Movie(id=r.id, title=r.title, release_date=r.release_date, genre_ids=tuple(r.genre_ids))
        for r in rows
    ]


async def movie_id_for_imdb(mr: MovieRec, imdb_id: str) -> int | None:
    """The TMDb id of the catalog movie with this IMDb id (``tt0133093``), if any."""
    found = await MovieRow.filter(imdb_id=imdb_id.lower()).order_by("id").first()
    return found.id if found is not None else None


def _fold(text: str) -> str:
    return " ".join(unidecode(text).lower().replace("&", "and").split())


def _score(title: str, movie: Movie) -> float:
    wanted = _fold(title)
    names = [movie.title] + ([movie.original_title] if movie.original_title else [])
    return max(float(fuzz.ratio(wanted, _fold(name))) for name in names)


async def match_title(mr: MovieRec, title: str, year: int | None) -> TitleMatch:
    """Search ``title`` (in ``year``, then a year either side) and pick the clear winner.

    A result counts as a candidate when its title is at least :data:`MIN_SCORE` similar.
    One candidate, or one leading the next by :data:`CLEAR_LEAD`, is the match; several
    close ones make the title ambiguous (listed best first).
    """
    results = await _search(mr, title, year)
    if not results and year is not None:
        near = await _search(mr, title, None)
        results = [m for m in near if m.year is not None and abs(m.year - year) <= 1]
    scored = sorted(
        ((s, m) for m in results if (s := _score(title, m)) >= MIN_SCORE),
        key=lambda pair: (-pair[0], -(pair[1].popularity)),
    )
    candidates = [
        ImportCandidate(movie_id=m.id, title=m.title, release_year=m.year, score=round(s, 1))
        for s, m in scored[:MAX_CANDIDATES]
    ]
    if not scored:
        return TitleMatch()
    if len(scored) == 1 or scored[0][0] - scored[1][0] >= CLEAR_LEAD:
        return TitleMatch(movie=scored[0][1], candidates=candidates[:1])
    return TitleMatch(candidates=candidates)
