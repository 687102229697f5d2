"""``CatalogProvider``: the offline ``MovieProvider`` over the local catalog tables.

- trending: most rated movies in the latest window of the data set (``day`` = its last
  30 days, ``week`` = its last 12 months; MovieLens has too few ratings per day for
  literal windows), said in ``Page.note``;
- search: folded-title candidates from the database (every word, then any word, then a
  fuzzy pass over all titles for typos), ranked with rapidfuzz, popularity breaking ties;
- discover: genre filter, sorted by popularity (or votes, date, title);
- similar: genre and keyword overlap plus a popularity prior;
- recommendations: item-to-item co-ratings (people who rated it 4+ also rated 4+),
  bounded to the latest raters and normalised by popularity.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from datetime import timedelta
from typing import cast

from tortoise.expressions import Q, Subquery
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from movierec.boundary import guarded
from movierec.catalog.errors import CatalogEmpty
from movierec.catalog.genres import TMDB_GENRES, genre_names
from movierec.catalog.ranking import (
    STOPWORDS,
    Candidate,
    SimilarCandidate,
    fuzzy_matches,
    rank_similar,
    rank_titles,
)
from movierec.catalog.rows import details_from_row, movie_from_row
from movierec.catalog.titles import fold
from movierec.config import Settings
from movierec.db.models import CatalogRating
from movierec.db.models import Movie as MovieRow
from movierec.discovery.providers import TrendingWindow
from movierec.errors import InvalidInput, NotFound
from movierec.types import Genre, Movie, MovieDetails, MoviePage, Source

__all__ = ["PAGE_SIZE", "TRENDING_WINDOWS", "CatalogProvider"]

PAGE_SIZE = 20
MAX_RESULTS = 500 * PAGE_SIZE
SEARCH_CANDIDATES = 2_000
LIST_LIMIT = 100
CO_RATERS = 500
GOOD_RATING = 4.0
TRENDING_WINDOWS: dict[str, tuple[int, str]] = {
    "day": (30, "the last 30 days"),
    "week": (365, "the last 12 months"),
}
_SORTS = {
    "popularity.desc": "-popularity",
    "popularity.asc": "popularity",
    "vote_average.desc": "-vote_average",
    "vote_count.desc": "-vote_count",
    "release_date.desc": "-release_year",  # the catalog knows years, not dates
    "release_date.asc": "release_year",
    "title.asc": "title",
}


@guarded
class CatalogProvider:
    """Movies from the imported MovieLens catalog; same interface as the TMDb client."""

    source: Source = "catalog"

    def __init__(self, settings: Settings) -> None:
        self._image_base = settings.tmdb_image_base_url
        self._poster_size = settings.tmdb_poster_size
        self._known_filled = False

    async def ensure_filled(self) -> None:
        """Raise :class:`CatalogEmpty` until a catalog has been imported."""
        if self._known_filled:
            return
        if not await MovieRow.filter(in_catalog=True).exists():
            raise CatalogEmpty(
                "the offline catalog is empty and no TMDb key is set: "
                "run `movierec catalog import movielens` (or set TMDB_API_KEY)"
            )
        self._known_filled = True

    async def _movies(self, ids: Sequence[int]) -> list[Movie]:
        rows = {row.id: row for row in await MovieRow.filter(id__in=list(ids))}
        return [
            movie_from_row(rows[i], self._image_base, self._poster_size) for i in ids if i in rows
        ]

    async def _page_of(
        self, ids: Sequence[int], page: int, total: int | None = None, note: str | None = None
    ) -> MoviePage:
        """One page of an already ranked id list (``total`` when ``ids`` is just the page)."""
        if total is None:
            total = len(ids)
            ids = ids[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        total = min(total, MAX_RESULTS)
        return MoviePage(
            items=await self._movies(ids),
            page=page,
            size=PAGE_SIZE,
            total=total,
            source=self.source,
            note=note,
        )

    async def trending(self, window: TrendingWindow, page: int, language: str) -> MoviePage:
        """Most rated in the latest 30 days (``day``) or 12 months (``week``) of the data."""
        await self.ensure_filled()
        days, label = TRENDING_WINDOWS[window]
        latest = await CatalogRating.all().order_by("-rated_at").first()
        if latest is None:
            return await self._page_of([], page, note="no ratings imported")
        cutoff = latest.rated_at - timedelta(days=days)
        recent = CatalogRating.filter(rated_at__gt=cutoff)
        total = len(await recent.distinct().values_list("movie_id", flat=True))
        counted: list[int] = cast(
            "list[int]",
            await recent.annotate(n=Count("id"))
            .group_by("movie_id")
            .order_by("-n", "movie_id")
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
            .values_list("movie_id", flat=True),
        )
        note = (
            f"most rated in {label} of the MovieLens data (to {latest.rated_at.date().isoformat()})"
        )
        return await self._page_of([int(i) for i in counted], page, total, note)

    async def search(
        self, query: str, page: int, year: int | None, language: str, include_adult: bool
    ) -> MoviePage:
        """Titles matching ``query``, case- and accent-insensitively, best first."""
        await self.ensure_filled()
        folded = fold(query)
        words = folded.split() or [folded]
        base = MovieRow.filter(in_catalog=True)
        if year is not None:
            base = base.filter(release_year=year)
        candidates = await _candidates(base.filter(*[Q(search_title__contains=w) for w in words]))
        if len(candidates) < PAGE_SIZE and len(words) > 1:
            useful = [w for w in words if w not in STOPWORDS and len(w) > 1] or words
            loose = base.filter(Q(*[Q(search_title__contains=w) for w in useful], join_type="OR"))
            seen = {c.id for c in candidates}
            candidates += [c for c in await _candidates(loose) if c.id not in seen]
        if candidates:
            ranked = await asyncio.to_thread(rank_titles, folded, candidates)
        else:
            everything = await _candidates(base, limit=None)
            ranked = await asyncio.to_thread(fuzzy_matches, folded, everything)
        return await self._page_of(ranked, page)

    async def details(self, movie_id: int, language: str) -> MovieDetails:
        """One movie of the local catalog (or one seen on TMDb earlier)."""
        row = await MovieRow.get_or_none(id=movie_id)
        if row is None:
            await self.ensure_filled()
            raise NotFound(f"no movie {movie_id} in the offline catalog")
        return details_from_row(row, self._image_base, self._poster_size)

    async def discover(
        self, genre_ids: Sequence[int], page: int, language: str, sort_by: str
    ) -> MoviePage:
        """Catalog movies having every genre in ``genre_ids``, sorted by ``sort_by``."""
        await self.ensure_filled()
        order = _SORTS.get(sort_by)
        if order is None:
            raise InvalidInput.field("sort_by", f"one of {', '.join(_SORTS)}")
        query = MovieRow.filter(in_catalog=True)
        for genre_id in genre_ids:
            query = query.filter(genre_key__contains=f"|{int(genre_id)}|")
        total = await query.count()
        ids: list[int] = cast(
            "list[int]",
            await query.order_by(order, "id")
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
            .values_list("id", flat=True),
        )
        return await self._page_of([int(i) for i in ids], page, total)

    async def similar(self, movie_id: int, page: int, language: str) -> MoviePage:
        """Catalog movies sharing genres and keywords with ``movie_id``."""
        target = await self.details(movie_id, language)
        query = MovieRow.filter(in_catalog=True).exclude(id=movie_id)
        if target.genre_ids:
            query = query.filter(
                Q(*[Q(genre_key__contains=f"|{g}|") for g in target.genre_ids], join_type="OR")
            )
        rows = (
            await query.order_by("-popularity")
            .limit(SEARCH_CANDIDATES)
            .values_list("id", "genre_ids", "keywords", "popularity")
        )
        candidates = [SimilarCandidate(int(i), g or (), k or (), float(p)) for i, g, k, p in rows]
        ranked = await asyncio.to_thread(
            rank_similar, target.genre_ids, target.keywords, candidates, LIST_LIMIT
        )
        return await self._page_of(ranked, page)

    async def recommendations(self, movie_id: int, page: int, language: str) -> MoviePage:
        """Movies that the latest people who liked ``movie_id`` also liked."""
        await self.details(movie_id, language)
        raters = (
            CatalogRating.filter(movie_id=movie_id, rating__gte=GOOD_RATING)
            .order_by("-rated_at")
            .limit(CO_RATERS)
            .values("rater")
        )
        co_rated = (
            await CatalogRating.filter(rater__in=Subquery(raters), rating__gte=GOOD_RATING)
            .exclude(movie_id=movie_id)
            .annotate(n=Count("id"))
            .group_by("movie_id")
            .order_by("-n", "movie_id")
            .limit(LIST_LIMIT * 3)
            .values_list("movie_id", "n")
        )
        counts = dict(
            await MovieRow.filter(id__in=[m for m, _ in co_rated]).values_list("id", "rating_count")
        )
        scored = sorted(
            ((n / math.sqrt(max(counts.get(m, 1), 1)), int(m)) for m, n in co_rated if m in counts),
            key=lambda pair: (-pair[0], pair[1]),
        )
        return await self._page_of([m for _, m in scored[:LIST_LIMIT]], page)

    async def genres(self, language: str) -> list[Genre]:
        """TMDb's movie genres (a static list: the catalog maps MovieLens genres onto it)."""
        return list(genre_names(TMDB_GENRES))

    async def close(self) -> None:
        """Nothing to release: the database belongs to ``MovieRec``."""


async def _candidates(
    query: QuerySet[MovieRow], limit: int | None = SEARCH_CANDIDATES
) -> list[Candidate]:
    """(id, folded title, popularity) of the most popular matches of ``query``."""
    ordered = query.order_by("-popularity")
    if limit is not None:
        ordered = ordered.limit(limit)
    rows = await ordered.values_list("id", "search_title", "popularity")
    return [Candidate(int(i), str(t), float(p)) for i, t, p in rows]
