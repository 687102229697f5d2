"""Discovery answers read straight from the shared cache, without opening ``MovieRec``.

A terminal command that shows what a server (or an earlier command) already cached
needs neither the database nor the TMDb client nor the recommender.
:func:`cached_trending` reads one trending page the offline catalog served from Redis
(one ``GET``, the entry :class:`~movierec.discovery.MovieService` writes; without
importing redis-py for a plain Redis address, :mod:`movierec.cache.oneshot`) and returns it
only while fresh; anything else (no Redis, TMDb configured, a miss, an expired or
unreadable entry, Redis failing) is ``None``, and the caller opens ``MovieRec`` as usual.
TMDb pages are left to the full path, which accounts for every TMDb read, hits included.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from movierec.cache.oneshot import UNSUPPORTED, get_once
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
    try:
        envelope = await _read(settings.redis_url, settings.cache_prefix, key)
    except ServiceUnavailable:
        return None
    now = (clock or SystemClock()).now()
    if not isinstance(envelope, dict) or not isinstance(envelope.get("v"), dict):
        return None
    if not isinstance(envelope.get("t"), int | float) or envelope["t"] <= now:
        return None
    data = {**envelope["v"], "source": "catalog", "cached": True, "stale": False}
    return MoviePage.model_validate(data)


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
