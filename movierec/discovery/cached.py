"""Discovery answers read straight from the shared cache, without opening ``MovieRec``.

A terminal command that shows what a server (or an earlier command) already cached
needs neither the database nor the TMDb client nor the recommender.
:func:`cached_trending_data` reads one trending page the offline catalog served from
Redis (one ``GET``, the entry :class:`~movierec.discovery.MovieService` writes; without
importing redis-py for a plain Redis address, :mod:`movierec.cache.oneshot`) and returns
it only while fresh, as the plain values the service stored (:class:`CachedMoviePage`:
decoded, not validated again, and without importing pydantic); anything else (no Redis,
TMDb configured, a miss, an expired or unreadable entry, Redis failing) is ``None``, and
the caller opens ``MovieRec`` as usual. :func:`cached_trending` is the same page as a
:class:`~movierec.MoviePage`. TMDb pages are left to the full path, which accounts for
every TMDb read, hits included.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, Protocol, TypedDict, cast

import orjson

from movierec.cache.loader import stored
from movierec.cache.oneshot import UNSUPPORTED, get_once
from movierec.clock import Clock, SystemClock
from movierec.discovery.keys import PAGE_SHAPE, trending_key
from movierec.errors import ServiceUnavailable

if TYPE_CHECKING:
    from movierec.types import MoviePage

__all__ = [
    "CacheSource",
    "CachedMovie",
    "CachedMoviePage",
    "cached_trending",
    "cached_trending_data",
]


class CacheSource(Protocol):
    """The settings a cached read needs: :class:`~movierec.Settings`, or the
    :class:`~movierec.config_sources.CacheAddress` read without pydantic."""

    @property
    def redis_url(self) -> str | None:
        """The shared cache's address (``None``: no shared cache)."""

    @property
    def cache_prefix(self) -> str:
        """The prefix of every cache key."""

    @property
    def tmdb_language(self) -> str:
        """The language pages are cached under."""

    @property
    def tmdb_enabled(self) -> bool:
        """Whether TMDb (not the offline catalog) serves."""


class CachedMovie(TypedDict):
    """A movie of a cached page, as stored (``Movie.model_dump(mode="json")``; the fields
    a listing shows are typed here)."""

    id: int
    title: str
    release_year: int | None
    genre_ids: list[int]
    vote_average: float
    vote_count: int


class CachedMoviePage(TypedDict):
    """A cached page as stored (``MoviePage.model_dump(mode="json")``), marked cached."""

    items: list[CachedMovie]
    page: int | None
    size: int
    total: int
    total_pages: int
    source: Literal["tmdb", "catalog"]
    cached: bool
    stale: bool
    note: str | None


async def cached_trending(
    settings: CacheSource, window: str = "week", page: int = 1, *, clock: Clock | None = None
) -> MoviePage | None:
    """The offline catalog's trending page from the shared cache, or ``None``.

    Bad input raises :class:`InvalidInput` as :meth:`MovieService.trending` does.
    """
    from movierec.discovery.checks import check_page, check_window
    from movierec.types import MoviePage

    span, number = check_window(window), check_page(page)
    data = await cached_trending_data(settings, span, number, clock=clock)
    return None if data is None else MoviePage.model_validate(data)


async def cached_trending_data(
    settings: CacheSource, window: str = "week", page: int = 1, *, clock: Clock | None = None
) -> CachedMoviePage | None:
    """:func:`cached_trending`'s page as the plain values the library stored, or ``None``.

    Input is not checked here: a window or page the service refuses is never cached, so it
    is a miss (``None``), and the full path reports it.
    """
    if settings.tmdb_enabled or not settings.redis_url:
        return None
    key = f"{trending_key('catalog', window, page, settings.tmdb_language)}:{PAGE_SHAPE}"
    try:
        entry = stored(await _read(settings.redis_url, settings.cache_prefix, key))
    except ServiceUnavailable:
        return None
    if entry is None or not isinstance(entry.value, dict):
        return None
    if not entry.fresh_at((clock or SystemClock()).now()):
        return None
    plain = {**entry.value, "source": "catalog", "cached": True, "stale": False}
    return cast("CachedMoviePage", plain)  # as the service stored it: not validated again


async def _read(url: str, prefix: str, key: str) -> Any:
    """The entry under ``key``: one ``GET`` without redis-py when the address is a plain one
    (:mod:`movierec.cache.oneshot`: a short-lived process skips importing the client),
    else through :class:`~movierec.cache.redis.RedisCache`."""
    raw = await get_once(url, prefix + key)
    if raw is not UNSUPPORTED:
        if not isinstance(raw, bytes):
            return None
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            return None
    from movierec.cache.redis import RedisCache

    cache = RedisCache(url, prefix)
    try:
        return await cache.get(key)
    finally:
        await cache.close()
