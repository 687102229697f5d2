"""Discovery answers read straight from the shared cache, without opening ``MovieRec``.

A terminal command that shows what a server (or an earlier command) already cached
needs neither the database nor the TMDb client nor the recommender.
:func:`cached_trending` reads one trending page the offline catalog served from Redis
(one ``GET``, the entry :class:`~movierec.discovery.MovieService` writes) and returns it
only while fresh; anything else (no Redis, TMDb configured, a miss, an expired or
unreadable entry, Redis failing) is ``None``, and the caller opens ``MovieRec`` as usual.
TMDb pages are left to the full path, which accounts for every TMDb read, hits included.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from movierec.cache.redis import RedisCache
from movierec.clock import Clock, SystemClock
from movierec.discovery.checks import PAGE_SHAPE, check_page, check_window, trending_key
from movierec.errors import ServiceUnavailable
from movierec.types import MoviePage

if TYPE_CHECKING:
    from movierec.config import Settings

__all__ = ["cached_trending"]


async def cached_trending(
    settings: Settings, window: str = "week", page: int = 1, *, clock: Clock | None = None
) -> MoviePage | None:
    """The offline catalog's trending page from the shared cache, or ``None``.

    Bad input raises :class:`InvalidInput` as :meth:`MovieService.trending` does.
    """
    span, number = check_window(window), check_page(page)
    if settings.tmdb_enabled or not settings.redis_url:
        return None
    key = f"{trending_key('catalog', span, number, settings.tmdb_language)}:{PAGE_SHAPE}"
    cache = RedisCache(settings.redis_url, settings.cache_prefix)
    try:
        envelope = await cache.get(key)
    except ServiceUnavailable:
        return None
    finally:
        await cache.close()
    now = (clock or SystemClock()).now()
    if not isinstance(envelope, dict) or not isinstance(envelope.get("v"), dict):
        return None
    if not isinstance(envelope.get("t"), int | float) or envelope["t"] <= now:
        return None
    data = {**envelope["v"], "source": "catalog", "cached": True, "stale": False}
    return MoviePage.model_validate(data)
