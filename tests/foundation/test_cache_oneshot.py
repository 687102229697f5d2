"""One ``GET`` without redis-py (:mod:`movierec.cache.oneshot`), against real Redis servers.

Each read is checked against what :class:`RedisCache` (redis-py) reads from the same
address, so the short path cannot answer differently from the client the servers use.
"""

from __future__ import annotations

import socket
from pathlib import Path

import orjson
import pytest
import redis as sync_redis

from movierec import ServiceUnavailable, Settings, cached_trending
from movierec.cache import RedisCache, oneshot
from movierec.cache.oneshot import UNSUPPORTED, get_once
from movierec.discovery.checks import PAGE_SHAPE, trending_key
from tests.helpers.private_redis import PrivateRedis

pytestmark = pytest.mark.services_only


async def _both(url: str, prefix: str, key: str) -> tuple[object, object]:
    """(get_once's value, decoded; RedisCache's value) for ``prefix + key``."""
    raw = await get_once(url, prefix + key)
    cache = RedisCache(url, prefix)
    try:
        theirs = await cache.get(key)
    finally:
        await cache.close()
    return (orjson.loads(raw) if isinstance(raw, bytes) else raw), theirs


async def test_a_value_and_a_miss_read_as_redis_py_reads_them(settings: Settings) -> None:
    assert settings.redis_url
    big = {"title": "x" * 200_000, "ids": list(range(1000)), "name": "Amélie"}
    cache = RedisCache(settings.redis_url, settings.cache_prefix)
    try:
        await cache.set("big", big, ttl=60)
        await cache.set("small", [1, "two"], ttl=60)
    finally:
        await cache.close()
    for key, expected in (("big", big), ("small", [1, "two"]), ("absent", None)):
        ours, theirs = await _both(settings.redis_url, settings.cache_prefix, key)
        assert ours == theirs == expected, key


async def test_password_database_and_unix_socket_addresses(tmp_path: Path) -> None:
    sock = tmp_path / "redis.sock"
    server = PrivateRedis(tmp_path, password="s3cr/t", unix_socket=sock)
    server.start()
    try:
        for db in (0, 3):
            client = sync_redis.Redis(unix_socket_path=str(sock), password="s3cr/t", db=db)
            client.set("p:k", orjson.dumps({"db": db}))
            client.close()
        host = f"127.0.0.1:{server.port}"
        for url, db in (
            (f"redis://:s3cr%2Ft@{host}/0", 0),
            (f"redis://default:s3cr%2Ft@{host}/3", 3),
            (f"unix://:s3cr%2Ft@{sock}?db=3", 3),
            (f"unix://default:s3cr%2Ft@{sock}", 0),
        ):
            ours, theirs = await _both(url, "p:", "k")
            assert ours == theirs == {"db": db}, url
        with pytest.raises(ServiceUnavailable):  # a wrong password, as redis-py fails
            await get_once(f"redis://:wrong@{host}/0", "p:k")
        with pytest.raises(ServiceUnavailable):  # no password at all
            await get_once(f"redis://{host}/0", "p:k")
    finally:
        server.stop()


async def test_failures_are_service_unavailable(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert settings.redis_url
    client = sync_redis.Redis.from_url(settings.redis_url)
    client.rpush(settings.cache_prefix + "a-list", "x")
    client.close()
    with pytest.raises(ServiceUnavailable, match="WRONGTYPE"):
        await get_once(settings.redis_url, settings.cache_prefix + "a-list")
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]  # bound, not listening: refused
        with pytest.raises(ServiceUnavailable):
            await get_once(f"redis://127.0.0.1:{port}/0", "k")
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # accepts, never answers
        port = silent.getsockname()[1]
        monkeypatch.setattr(oneshot, "TIMEOUT", 0.3)
        with pytest.raises(ServiceUnavailable):
            await get_once(f"redis://127.0.0.1:{port}/0", "k")


@pytest.mark.parametrize(
    "url",
    [
        "rediss://127.0.0.1:6379/0",
        "redis://127.0.0.1:6379/0?socket_timeout=1",
        "redis://user@127.0.0.1:6379/0",
        "redis://127.0.0.1:6379/zero",
        "unix:///tmp/redis.sock?db=1&password=x",
        "redis+sentinel://127.0.0.1:26379/mymaster",
    ],
)
async def test_other_addresses_are_left_to_redis_py(url: str) -> None:
    assert await get_once(url, "k") is UNSUPPORTED


async def test_cached_trending_reads_through_redis_py_for_other_addresses(
    settings: Settings,
) -> None:
    """A page cached under an address with options is still found (redis-py reads it)."""
    assert settings.redis_url
    assert "?" not in settings.redis_url

    page = {"items": [], "total": 0, "page": 1, "total_pages": 1, "source": "catalog"}
    key = f"{trending_key('catalog', 'week', 1, settings.tmdb_language)}:{PAGE_SHAPE}"
    cache = RedisCache(settings.redis_url, settings.cache_prefix)
    try:
        await cache.set(key, {"v": page, "t": 4_000_000_000}, ttl=60)
    finally:
        await cache.close()
    for url in (settings.redis_url, settings.redis_url + "?health_check_interval=5"):
        found = await cached_trending(settings.model_copy(update={"redis_url": url}))
        assert found is not None, url
        assert found.cached
