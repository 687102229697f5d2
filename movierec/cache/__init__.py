"""Caching: the :class:`Cache` contract, its two backends, single-flight, rate limits.

Names resolve on first use (PEP 562): reading one cached entry from Redis does not load
the rate limiter and its ``limits`` storages.
"""

import typing

from movierec._lazy import lazy_names as _lazy_names

if typing.TYPE_CHECKING:
    from movierec.cache.base import Cache, CacheStats
    from movierec.cache.breaker import Breaker
    from movierec.cache.hot import HotReplies, HotReply
    from movierec.cache.loader import CachedLoader, Loaded
    from movierec.cache.memory import MemoryCache
    from movierec.cache.ratelimit import RateDecision, RateLimiter
    from movierec.cache.redis import RedisCache
    from movierec.cache.resilient import ResilientCache

__all__ = [
    "Breaker",
    "Cache",
    "CacheStats",
    "CachedLoader",
    "HotReplies",
    "HotReply",
    "Loaded",
    "MemoryCache",
    "RateDecision",
    "RateLimiter",
    "RedisCache",
    "ResilientCache",
]

_WHERE = {
    "Breaker": "movierec.cache.breaker",
    "Cache": "movierec.cache.base",
    "CacheStats": "movierec.cache.base",
    "CachedLoader": "movierec.cache.loader",
    "HotReplies": "movierec.cache.hot",
    "HotReply": "movierec.cache.hot",
    "Loaded": "movierec.cache.loader",
    "MemoryCache": "movierec.cache.memory",
    "RateDecision": "movierec.cache.ratelimit",
    "RateLimiter": "movierec.cache.ratelimit",
    "RedisCache": "movierec.cache.redis",
    "ResilientCache": "movierec.cache.resilient",
}


__getattr__, __dir__ = _lazy_names(__name__, _WHERE)
