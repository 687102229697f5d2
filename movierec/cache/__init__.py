"""Caching: the :class:`Cache` contract, its two backends, single-flight, rate limits."""

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
