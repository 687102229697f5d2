"""A scripted ``MovieProvider`` for testing what ``mr.movies`` does around any provider.

It is not a stand-in for the TMDb client (whose own tests run against a TMDb-shaped HTTP
server): it lets service tests count calls, slow a call down, and fail on demand.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from datetime import date

from movierec.discovery.providers import TrendingWindow
from movierec.errors import NotFound, UpstreamUnavailable
from movierec.types import Genre, Movie, MovieDetails, MoviePage, Source


def sample_movies(start: int = 1, count: int = 3, prefix: str = "Movie") -> list[Movie]:
    """``count`` distinct movies with TMDb-like fields."""
    return [
        Movie(
            id=start + i,
            title=f"{prefix} {start + i}",
            release_date=date(2000 + i, 5, 1),
            genre_ids=(28, 12),
            popularity=100.0 - i,
            vote_average=7.5,
            vote_count=1000 + i,
            poster_path=f"/p{start + i}.jpg",
        )
        for i in range(count)
    ]


class ScriptedProvider:
    """Answers from fixed data; counts calls per method; can be made to fail or wait."""

    def __init__(self, movies: Sequence[Movie] | None = None, source: Source = "tmdb") -> None:
        self.source: Source = source
        self.movies = list(movies if movies is not None else sample_movies())
        self.calls: Counter[str] = Counter()
        self.failing = False
        self.delay = 0.0

    async def _answer(self, name: str) -> None:
        self.calls[name] += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.failing:
            raise UpstreamUnavailable("TMDb is down (scripted)")

    def _page(self, page: int) -> MoviePage:
        return MoviePage(items=self.movies, page=page, total=len(self.movies), source=self.source)

    async def trending(self, window: TrendingWindow, page: int, language: str) -> MoviePage:
        await self._answer("trending")
        return self._page(page)

    async def search(
        self, query: str, page: int, year: int | None, language: str, include_adult: bool
    ) -> MoviePage:
        await self._answer("search")
        return self._page(page)

    async def details(self, movie_id: int, language: str) -> MovieDetails:
        await self._answer("details")
        for movie in self.movies:
            if movie.id == movie_id:
                return MovieDetails(**movie.model_dump(), runtime=120, keywords=("heist",))
        raise NotFound(f"no movie {movie_id}")

    async def recommendations(self, movie_id: int, page: int, language: str) -> MoviePage:
        await self._answer("recommendations")
        return self._page(page)

    async def similar(self, movie_id: int, page: int, language: str) -> MoviePage:
        await self._answer("similar")
        return self._page(page)

    async def discover(
        self, genre_ids: Sequence[int], page: int, language: str, sort_by: str
    ) -> MoviePage:
        await self._answer("discover")
        return self._page(page)

    async def genres(self, language: str) -> list[Genre]:
        await self._answer("genres")
        return [Genre(id=28, name="Action")]

    async def close(self) -> None:
        return None
