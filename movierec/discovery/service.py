"""``mr.movies``: discovery (trending, search, details, genres) with caching.

One service over whichever provider is configured: the TMDb client (``mr.tmdb``) when a
TMDb credential is set, else the offline catalog. Every answer goes through
``mr.loader.get_or_load`` (single-flight, TTLs from settings, a stale copy served when the
provider fails), and every movie TMDb shows us is upserted into the local ``Movie`` table.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import BaseModel

from movierec.boundary import guarded
from movierec.cache import Loaded
from movierec.catalog.remember import remember_movies
from movierec.discovery.checks import (
    MAX_GENRES,
    PAGE_SHAPE,
    check_genre_id,
    check_movie_id,
    check_page,
    check_query,
    check_window,
    check_year,
    trending_key,
)
from movierec.discovery.providers import MovieProvider
from movierec.errors import InvalidInput, ServiceUnavailable, UpstreamError
from movierec.types import Genre, Movie, MovieDetails, MoviePage, Source

if TYPE_CHECKING:
    from movierec.cache import CachedLoader
    from movierec.clock import Clock
    from movierec.config import Settings
    from movierec.operations.recorder import UsageRecorder

__all__ = ["GenreList", "MovieInfo", "MovieService"]

M = TypeVar("M", bound=BaseModel)


class MovieInfo(MovieDetails):
    """One movie's details, with where they came from."""

    source: Source = "catalog"
    cached: bool = False
    stale: bool = False


class GenreList(BaseModel):
    """Every movie genre, with where the list came from."""

    genres: list[Genre]
    source: Source = "catalog"
    cached: bool = False
    stale: bool = False


@guarded
class MovieService:
    """Trending, search, details and genres, cached, from TMDb or the offline catalog."""

    def __init__(
        self,
        provider: MovieProvider,
        *,
        settings: Settings,
        loader: CachedLoader,
        clock: Clock,
        usage: UsageRecorder,
    ) -> None:
        self._provider = provider
        self._settings = settings
        self._loader = loader
        self._clock = clock
        self._usage = usage

    @property
    def provider(self) -> MovieProvider:
        """The TMDb client when configured, else the offline catalog."""
        return self._provider

    @property
    def language(self) -> str:
        """The language asked of TMDb (part of every cache key)."""
        return self._settings.tmdb_language

    async def trending(self, window: str = "week", page: int = 1) -> MoviePage:
        """Trending movies of the day or the week (cached ``ttl_trending``)."""
        span, number, provider = check_window(window), check_page(page), self.provider
        key = trending_key(provider.source, span, number, self.language)
        return await self._page(
            "/trending/movie/{window}",
            key,
            self._settings.ttl_trending,
            lambda: provider.trending(span, number, self.language),
        )

    async def search(self, query: str, page: int = 1, year: int | None = None) -> MoviePage:
        """Movies whose title matches ``query`` (cached ``ttl_search``)."""
        text, number, when = check_query(query), check_page(page), check_year(year)
        provider = self.provider
        key = f"{provider.source}:search:{text.lower()}:{when or ''}:{number}:{self.language}"
        return await self._page(
            "/search/movie",
            key,
            self._settings.ttl_search,
            lambda: provider.search(
                text, number, when, self.language, self._settings.tmdb_include_adult
            ),
        )

    async def discover(
        self, genre_ids: Sequence[int], page: int = 1, sort_by: str = "popularity.desc"
    ) -> MoviePage:
        """Movies having every genre in ``genre_ids``, most popular first by default."""
        if len(genre_ids) > MAX_GENRES:
            raise InvalidInput.field("genre_ids", f"at most {MAX_GENRES} genres")
        genres = sorted({check_genre_id(g) for g in genre_ids})
        number, provider = check_page(page), self.provider
        joined = ",".join(map(str, genres))
        key = f"{provider.source}:discover:{joined}:{sort_by}:{number}:{self.language}"
        return await self._page(
            "/discover/movie",
            key,
            self._settings.ttl_search,
            lambda: provider.discover(genres, number, self.language, sort_by),
        )

    async def recommendations_for(self, movie_id: int, page: int = 1) -> MoviePage:
        """What the provider recommends to people who liked ``movie_id``."""
        return await self._related("recommendations", movie_id, page)

    async def similar(self, movie_id: int, page: int = 1) -> MoviePage:
        """Movies similar in content to ``movie_id``."""
        return await self._related("similar", movie_id, page)

    async def _related(
        self, kind: Literal["recommendations", "similar"], movie_id: int, page: int
    ) -> MoviePage:
        ident, number, provider = check_movie_id(movie_id), check_page(page), self.provider
        fetch = provider.recommendations if kind == "recommendations" else provider.similar
        return await self._page(
            f"/movie/{{id}}/{kind}",
            f"{provider.source}:{kind}:{ident}:{number}:{self.language}",
            self._settings.ttl_recommendations,
            lambda: fetch(ident, number, self.language),
        )

    async def details(self, movie_id: int) -> MovieInfo:
        """One movie's details (cached ``ttl_details``); :class:`NotFound` if unknown."""
        ident, provider = check_movie_id(movie_id), self.provider

        async def load() -> dict[str, Any]:
            movie = await provider.details(ident, self.language)
            await self._remember(provider, [movie])
            return movie.model_dump(mode="json")

        key = f"{provider.source}:details:{ident}:{self.language}"
        loaded = await self._load("/movie/{id}", key, self._settings.ttl_details, load)
        return self._typed(MovieInfo, loaded, provider.source)

    async def genres(self) -> GenreList:
        """Every movie genre (cached ``ttl_genres``)."""
        provider = self.provider

        async def load() -> dict[str, Any]:
            found = await provider.genres(self.language)
            return {"genres": [genre.model_dump(mode="json") for genre in found]}

        key = f"{provider.source}:genres:{self.language}"
        loaded = await self._load("/genre/movie/list", key, self._settings.ttl_genres, load)
        return self._typed(GenreList, loaded, provider.source)

    async def _page(
        self,
        endpoint: str,
        key: str,
        ttl: int,
        fetch: Callable[[], Awaitable[MoviePage]],
    ) -> MoviePage:
        provider = self.provider

        async def load() -> dict[str, Any]:
            page = await fetch()
            await self._remember(provider, page.items)
            return page.model_dump(mode="json")

        loaded = await self._load(endpoint, f"{key}:{PAGE_SHAPE}", ttl, load)
        return self._typed(MoviePage, loaded, provider.source)

    async def _load(
        self, endpoint: str, key: str, ttl: int, load: Callable[[], Awaitable[Any]]
    ) -> Loaded:
        loaded = await self._loader.get_or_load(
            key,
            load,
            ttl,
            stale_ttl=self._settings.stale_ttl,
            stale_on=(UpstreamError, ServiceUnavailable),
        )
        if key.startswith("tmdb:"):
            self._record_cache(endpoint, loaded)
        return loaded

    @staticmethod
    def _typed(model: type[M], loaded: Loaded, source: Source) -> M:
        data = dict(loaded.value)
        data.update(source=source, cached=loaded.cached, stale=loaded.stale)
        return model.model_validate(data)

    async def _remember(self, provider: MovieProvider, movies: Sequence[Movie]) -> None:
        if provider.source == "tmdb" and movies:
            await remember_movies(movies, self._clock)

    def _record_cache(self, endpoint: str, loaded: Loaded) -> None:
        """Tell usage accounting how a TMDb lookup went (by TMDb endpoint template)."""
        self._usage.record_cache(endpoint, loaded.cached and not loaded.stale, loaded.stale)
