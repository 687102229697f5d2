"""Redis cache through ``redis.asyncio``: shared by every worker and host."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from redis import asyncio as aioredis
from redis.exceptions import RedisError

from movierec.cache.base import CacheStats
from movierec.errors import ServiceUnavailable

__all__ = ["RedisCache"]


def _ms(ttl: float | None) -> int | None:
    return None if ttl is None else max(1, int(ttl * 1000))


class RedisCache:
    """A cache whose keys live in Redis under ``prefix``; values are JSON (orjson)."""

    backend = "redis"
    distributed = True

    def __init__(
        self,
        url: str,
        prefix: str = "movierec:",
        *,
        timeout: float = 2.0,
        max_connections: int = 64,
    ) -> None:
        self.prefix = prefix
        self.url = url
        # A blocking pool: a burst of concurrent requests waits (up to ``timeout``) for a
        # free connection instead of failing with "Too many connections" (redis-py's
        # default pool), which would flip the whole process to the in-process fallback.
        pool = aioredis.BlockingConnectionPool.from_url(
            url,
            max_connections=max_connections,
            timeout=timeout,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            health_check_interval=30,
        )
        self.client: aioredis.Redis = aioredis.Redis.from_pool(pool)  # closes the pool too
        self._hits = 0
        self._misses = 0

    def _key(self, key: str) -> str:
        return self.prefix + key

    async def get(self, key: str) -> Any | None:
        """The value under ``key``, or ``None``."""
        try:
            raw = await self.client.get(self._key(key))
        except RedisError as exc:
            raise ServiceUnavailable(f"redis: {exc}") from exc
        if raw is None:
            self._misses += 1
            return None
        self._hits += 1
        return orjson.loads(raw)

    async def get_many(self, keys: Sequence[str]) -> list[Any | None]:
        """The values under ``keys``, in order, in one round trip (``GET`` for one key,
        else ``MGET``); ``None`` where a key is missing."""
        full = [self.prefix + key for key in keys]
        try:
            raws = (
                [await self.client.get(full[0])] if len(full) == 1 else await self.client.mget(full)
            )
        except RedisError as exc:
            raise ServiceUnavailable(f"redis: {exc}") from exc
        values = [None if raw is None else orjson.loads(raw) for raw in raws]
        found = len(values) - values.count(None)
        self._hits += found
        self._misses += len(values) - found
        return values

    async def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        """Store ``value`` for ``ttl`` seconds."""
        if value is None:
            raise ValueError("None cannot be cached")
        try:
            await self.client.set(self._key(key), orjson.dumps(value), px=_ms(ttl))
        except RedisError as exc:
            raise ServiceUnavailable(f"redis: {exc}") from exc

    async def add(self, key: str, value: Any, ttl: float | None = None) -> bool:
        """Store only if absent (``SET NX``)."""
        try:
            done = await self.client.set(self._key(key), orjson.dumps(value), px=_ms(ttl), nx=True)
        except RedisError as exc:
            raise ServiceUnavailable(f"redis: {exc}") from exc
        return bool(done)

    async def delete(self, key: str) -> bool:
        """Remove ``key``."""
        try:
            return bool(await self.client.delete(self._key(key)))
        except RedisError as exc:
            raise ServiceUnavailable(f"redis: {exc}") from exc

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        """Increment a counter atomically; ``ttl`` is set when the counter is created."""
        full = self._key(key)
        try:
            async with self.client.pipeline(transaction=True) as pipe:
                pipe.incrby(full, amount)
                if ttl is not None:
                    pipe.pexpire(full, _ms(ttl) or 1, nx=True)
                result = await pipe.execute()
        except RedisError as exc:
            raise ServiceUnavailable(f"redis: {exc}") from exc
        return int(result[0])

    async def clear(self) -> int:
        """Delete every key under the prefix (SCAN, never KEYS)."""
        removed = 0
        try:
            batch: list[bytes] = []
            async for key in self.client.scan_iter(match=self.prefix + "*", count=500):
                batch.append(key)
                if len(batch) >= 500:
                    removed += await self.client.delete(*batch)
                    batch.clear()
            if batch:
                removed += await self.client.delete(*batch)
        except RedisError as exc:
            raise ServiceUnavailable(f"redis: {exc}") from exc
        return removed

    async def stats(self) -> CacheStats:
        """Keys under the prefix, and this process's hit/miss counters."""
        try:
            entries = 0
            async for _ in self.client.scan_iter(match=self.prefix + "*", count=1000):
                entries += 1
            info = await self.client.info("memory")
        except RedisError as exc:
            raise ServiceUnavailable(f"redis: {exc}") from exc
        return CacheStats(
            backend=self.backend,
            entries=entries,
            hits=self._hits,
            misses=self._misses,
            details={"prefix": self.prefix, "used_memory": info.get("used_memory_human")},
        )

    async def ping(self) -> bool:
        """True when Redis answers PING."""
        try:
            return bool(await self.client.ping())
        except (RedisError, OSError):
            return False

    async def close(self) -> None:
        """Close the connection pool."""
        await self.client.aclose()
