"""Redis going away: the cache and rate limits keep answering, then recover by themselves.

The outage is real: Redis is reached through a loopback TCP proxy that the test cuts
and restores, so the shared Redis other tests use keeps running.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sanic import Sanic

from movierec import MovieRec
from movierec.cache import ResilientCache
from movierec_server import create_app
from tests.conftest import MakeMovieRec, Services, redis_host_port
from tests.helpers.tcp_proxy import TcpProxy

pytestmark = pytest.mark.services_only


@pytest.fixture
async def proxy(services: Services) -> AsyncIterator[TcpProxy]:
    proxy = TcpProxy(*redis_host_port(services.redis_url))
    await proxy.start()
    yield proxy
    await proxy.cut()


@pytest.fixture
async def flaky_mr(make_mr: MakeMovieRec, proxy: TcpProxy) -> MovieRec:
    mr = await make_mr(redis_url=proxy.url)
    assert isinstance(mr.cache, ResilientCache)
    mr.cache.breaker.retry_after = 0.05
    mr.limiter.breaker.retry_after = 0.05
    return mr


async def test_the_cache_serves_in_process_while_redis_is_down(
    flaky_mr: MovieRec, proxy: TcpProxy
) -> None:
    await flaky_mr.cache.set("before", 1)
    await proxy.cut()
    await flaky_mr.cache.set("during", 2)
    assert await flaky_mr.cache.get("during") == 2
    assert await flaky_mr.cache.ping() is False
    assert (await flaky_mr.health()).status == "degraded"


async def test_the_loader_still_answers_uncached_during_an_outage(
    flaky_mr: MovieRec, proxy: TcpProxy
) -> None:
    await proxy.cut()
    calls = 0

    async def load() -> str:
        nonlocal calls
        calls += 1
        return "fresh"

    result = await flaky_mr.loader.get_or_load("k", load, ttl=60)
    assert result.value == "fresh"
    assert calls == 1


async def test_redis_coming_back_is_picked_up_without_a_restart(
    flaky_mr: MovieRec, proxy: TcpProxy
) -> None:
    await proxy.cut()
    await flaky_mr.cache.set("k", "memory")
    assert flaky_mr.cache.degraded  # type: ignore[attr-defined]
    await proxy.start()
    await asyncio.sleep(0.1)
    await flaky_mr.cache.set("k", "redis")
    assert not flaky_mr.cache.degraded  # type: ignore[attr-defined]
    assert await flaky_mr.cache.primary.get("k") == "redis"  # type: ignore[attr-defined]
    assert (await flaky_mr.health()).status == "ok"


async def test_a_delete_made_during_the_outage_reaches_redis_when_it_returns(
    flaky_mr: MovieRec, proxy: TcpProxy
) -> None:
    await flaky_mr.cache.set("lock:movie:1", 1)
    await proxy.cut()
    await flaky_mr.cache.delete("lock:movie:1")
    assert await flaky_mr.cache.get("lock:movie:1") is None
    await proxy.start()
    await asyncio.sleep(0.1)
    await flaky_mr.cache.get("anything")  # the first call after the outage switches back
    assert await flaky_mr.cache.primary.get("lock:movie:1") is None  # type: ignore[attr-defined]


async def test_rate_limits_fall_back_to_in_process_counting(
    flaky_mr: MovieRec, proxy: TcpProxy
) -> None:
    await proxy.cut()
    decisions = [await flaky_mr.limiter.hit("ip:1", "2/minute") for _ in range(3)]
    assert [d.allowed for d in decisions] == [True, True, False]
    assert flaky_mr.limiter.degraded
    await proxy.start()
    await asyncio.sleep(0.1)
    assert (await flaky_mr.limiter.hit("ip:2", "2/minute")).allowed
    assert not flaky_mr.limiter.degraded


async def test_ready_says_degraded_but_the_server_keeps_answering(
    flaky_mr: MovieRec, proxy: TcpProxy
) -> None:
    app: Sanic[Any, Any] = create_app(movierec=flaky_mr)
    await proxy.cut()
    _, ready = await app.asgi_client.get("/ready")
    assert ready.status == 200
    assert ready.json["status"] == "degraded"
    assert ready.json["cache"]["ok"] is False
    _, health = await app.asgi_client.get("/health")
    assert health.status == 200


async def test_health_asks_the_cache_at_most_once_a_second(
    flaky_mr: MovieRec, proxy: TcpProxy
) -> None:
    app: Sanic[Any, Any] = create_app(movierec=flaky_mr)
    _, before = await app.asgi_client.get("/health")
    await proxy.cut()
    _, soon = await app.asgi_client.get("/health")
    _, ready = await app.asgi_client.get("/ready")
    assert (before.json["status"], soon.json["status"]) == ("ok", "ok")  # the last answer
    assert ready.json["status"] == "degraded"  # /ready always asks afresh
    await asyncio.sleep(1.1)
    _, later = await app.asgi_client.get("/health")
    assert later.json["status"] == "degraded"
