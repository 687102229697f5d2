"""The request path's budget: hot replies from the first cache level, one Redis round trip.

Structural guards, not timings (those live in bench/request_path.py): a repeated cached
discovery request is answered from the worker's encoded bytes, and costs at most one
Redis round trip in all (the rate limit's), counted with ``MONITOR`` on this test's own
key prefix; a warm signed-in read costs no database query and one round trip (the user's
stamp), and still sees a logout or a favorite change made in another worker at once.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from sanic import Sanic
from sanic_testing.testing import TestingResponse as Reply  # not collected as a test class

from movierec import ManualClock, MovieRec, Principal, TokenPair, Unauthenticated
from movierec_server import create_app
from tests.conftest import MakeMovieRec
from tests.helpers.factories import signed_in
from tests.helpers.movielens_catalog import write_movielens
from tests.helpers.redis_monitor import redis_commands


async def _catalog_mr(make_mr: MakeMovieRec, tmp_path: Path, **overrides: Any) -> MovieRec:
    mr = await make_mr(clock=ManualClock(), **overrides)
    await mr.catalog.import_movielens(write_movielens(tmp_path / "ml-tiny"))
    return mr


async def test_a_cached_reply_is_served_again_from_the_first_level_for_a_few_seconds(
    make_mr: MakeMovieRec, tmp_path: Path
) -> None:
    mr = await _catalog_mr(make_mr, tmp_path, cache_hot_ttl=5)
    app = create_app(movierec=mr)
    _, loaded = await app.asgi_client.get("/movies/trending?window=day")
    _, shared = await app.asgi_client.get("/movies/trending?window=day")
    assert (loaded.json["cached"], shared.json["cached"]) == (False, True)
    await mr.cache.clear()  # the shared level is gone; this worker's bytes are not
    _, hot = await app.asgi_client.get("/movies/trending?window=day")
    assert hot.body == shared.body
    assert hot.headers["content-type"] == "application/json"
    assert hot.headers["cache-control"] == "public, max-age=900"
    assert mr.hot.hits == 1
    assert isinstance(mr.clock, ManualClock)
    mr.clock.advance(5.1)  # past the first level's bound: the shared level decides again
    _, reloaded = await app.asgi_client.get("/movies/trending?window=day")
    assert reloaded.json["cached"] is False


async def test_the_first_level_keeps_neither_fresh_loads_nor_errors(
    make_mr: MakeMovieRec, tmp_path: Path
) -> None:
    mr = await _catalog_mr(make_mr, tmp_path)
    app = create_app(movierec=mr)
    await app.asgi_client.get("/movies/603")
    _, missing = await app.asgi_client.get("/movies/999999")
    _, bad = await app.asgi_client.get("/movies/trending?window=year")
    assert (missing.status, bad.status) == (404, 400)
    assert len(mr.hot) == 0


async def test_a_zero_hot_ttl_turns_the_first_level_off(
    make_mr: MakeMovieRec, tmp_path: Path
) -> None:
    mr = await _catalog_mr(make_mr, tmp_path, cache_hot_ttl=0)
    app = create_app(movierec=mr)
    for _ in range(3):
        await app.asgi_client.get("/movies/genres")
    assert len(mr.hot) == 0
    assert mr.hot.hits == 0


@pytest.mark.services_only
async def test_a_cached_trending_request_costs_at_most_one_redis_round_trip(
    make_mr: MakeMovieRec, tmp_path: Path
) -> None:
    mr = await _catalog_mr(make_mr, tmp_path)
    assert mr.settings.redis_url
    app: Sanic[Any, Any] = create_app(movierec=mr)
    for _ in range(2):
        await app.asgi_client.get("/movies/trending")
    async with redis_commands(mr.settings.redis_url, mr.settings.cache_prefix) as seen:
        _, response = await app.asgi_client.get("/movies/trending")
    assert response.status == 200
    assert response.headers["ratelimit-limit"]  # the rate limit was counted ...
    assert len(seen) == 1, seen  # ... in the one round trip this request made
    assert "EVALSHA" in seen[0].upper()


@pytest.mark.services_only
async def test_a_large_limit_counts_a_batch_of_hits_per_round_trip(make_mr: MakeMovieRec) -> None:
    mr = await make_mr()
    assert mr.settings.redis_url
    async with redis_commands(mr.settings.redis_url, mr.settings.cache_prefix) as seen:
        decisions = [await mr.limiter.hit("api:ip:1", "10000/hour") for _ in range(64)]
    assert all(d.allowed for d in decisions)
    assert len(seen) == 1, seen
    assert [d.remaining for d in decisions[:2]] == [9999, 9998]


@pytest.mark.services_only
async def test_batched_workers_never_admit_more_than_the_limit(make_mr: MakeMovieRec) -> None:
    first, second = await make_mr(), await make_mr()
    allowed = 0
    for i in range(300):
        limiter = (first if i % 2 else second).limiter
        allowed += (await limiter.hit("api:user:7", "200/hour")).allowed
    assert 200 - 2 <= allowed <= 200  # what a worker holds unspent may be refused early


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _warm_favorites_reader(
    make_mr: MakeMovieRec, tmp_path: Path, user_limit: str
) -> tuple[MovieRec, Sanic[Any, Any], TokenPair]:
    """An app on Redis and a signed-in user with one favorite whose ``GET /favorites/``
    was read twice (its session check and page are cached in the worker)."""
    mr = await _catalog_mr(make_mr, tmp_path, rate_limit_user=user_limit)
    assert mr.settings.redis_url
    app: Sanic[Any, Any] = create_app(movierec=mr)
    pair = await signed_in(mr)
    await mr.favorites.add(Principal.of(pair.user), 603)
    for _ in range(2):
        await app.asgi_client.get("/favorites/", headers=_bearer(pair.access_token))
    return mr, app, pair


@pytest.mark.services_only
async def test_a_warm_signed_in_favorites_read_costs_no_query_and_one_round_trip(
    make_mr: MakeMovieRec,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A limit above 100 per period counts hits in batches: the limiter's round trip is
    # then not this request's, and what is left is the request's own budget. A lease
    # lasts a second; on a loaded machine the warm-up alone can outlast it, so here it
    # outlasts the test instead (its expiry is not what this test is about).
    monkeypatch.setattr("movierec.cache.leases.LEASE_SECONDS", 600.0)
    mr, app, pair = await _warm_favorites_reader(make_mr, tmp_path, "100000/minute")
    assert mr.settings.redis_url
    caplog.set_level(logging.DEBUG, logger="tortoise.db_client")
    caplog.clear()
    async with redis_commands(mr.settings.redis_url, mr.settings.cache_prefix) as seen:
        _, response = await app.asgi_client.get("/favorites/", headers=_bearer(pair.access_token))
    assert response.status == 200
    assert [item["movie_id"] for item in response.json["items"]] == [603]
    assert response.headers["content-type"] == "application/json"
    assert [r.getMessage() for r in caplog.records if r.name == "tortoise.db_client"] == []
    assert len(seen) == 1, seen  # the user's stamp, read for the session check
    assert "stamp:" in seen[0]
    assert seen[0].split()[0].strip('"').upper() == "GET"


async def _logged_out_in_a_then_read_in_b(
    make_mr: MakeMovieRec, tmp_path: Path, **b_settings: Any
) -> Reply:
    """Two instances on one Redis: a user's ``GET /favorites/`` is read twice through b
    (b holds the session check and the encoded page), the user logs out through a, then
    reads through b again; that last answer. b's clock never moves: no interval helps."""
    worker_a = await _catalog_mr(make_mr, tmp_path)
    worker_b = await make_mr(clock=ManualClock(), **b_settings)
    app_a, app_b = create_app(movierec=worker_a), create_app(movierec=worker_b)
    pair = await signed_in(worker_a)
    headers = _bearer(pair.access_token)
    for _ in range(2):
        _, warm = await app_b.asgi_client.get("/favorites/", headers=headers)
        assert warm.status == 200
    _, out = await app_a.asgi_client.post("/auth/logout", headers=headers, json={})
    assert out.status in (200, 204)
    _, refused = await app_b.asgi_client.get("/favorites/", headers=headers)
    return refused


@pytest.mark.services_only
async def test_a_logout_in_one_worker_is_refused_by_another_on_its_next_request(
    make_mr: MakeMovieRec, tmp_path: Path
) -> None:
    refused = await _logged_out_in_a_then_read_in_b(make_mr, tmp_path)
    assert refused.status == 401
    assert refused.json["error"]["details"]["reason"] == "revoked"


@pytest.mark.services_only
async def test_a_favorite_added_in_one_worker_is_in_the_next_list_read_in_another(
    make_mr: MakeMovieRec, tmp_path: Path
) -> None:
    worker_a = await _catalog_mr(make_mr, tmp_path)
    worker_b = await make_mr(clock=ManualClock())
    app_a, app_b = create_app(movierec=worker_a), create_app(movierec=worker_b)
    pair = await signed_in(worker_a)
    headers = _bearer(pair.access_token)
    for _ in range(2):
        _, before = await app_b.asgi_client.get("/favorites/", headers=headers)
        assert before.json["total"] == 0
    _, added = await app_a.asgi_client.post("/favorites/", headers=headers, json={"movie_id": 603})
    assert added.status == 201
    _, after = await app_b.asgi_client.get("/favorites/", headers=headers)
    assert (after.json["total"], after.json["items"][0]["movie_id"]) == (1, 603)
    _, gone = await app_a.asgi_client.delete("/favorites/603", headers=headers)
    assert gone.status == 204
    _, again = await app_b.asgi_client.get("/favorites/", headers=headers)
    assert again.json["total"] == 0


@pytest.mark.services_only
async def test_a_lost_stamp_revives_nothing(make_mr: MakeMovieRec) -> None:
    worker_a, worker_b = await make_mr(), await make_mr(clock=ManualClock())
    pair = await signed_in(worker_a)
    assert await worker_b.auth.authenticate(pair.access_token)  # b holds a copy
    shared = worker_a.coordination.shared
    assert shared is not None
    await worker_a.auth.logout(await worker_a.auth.authenticate(pair.access_token))
    await shared.delete(f"stamp:{pair.user.id}")  # a flush or an eviction
    with pytest.raises(Unauthenticated, match="revoked"):
        await worker_b.auth.authenticate(pair.access_token)


@pytest.mark.services_only
@pytest.mark.parametrize("limit", ["300/minute", "60/minute"])
async def test_a_warm_signed_in_read_is_one_round_trip_at_the_usual_limits(
    make_mr: MakeMovieRec, tmp_path: Path, limit: str
) -> None:
    # 300/minute (the default) counts hits in batches of 3: a request spends a counted
    # hit and reads the stamp, or its limit's script reads the stamp too; 60/minute
    # counts every hit, each script reading the stamp. Never a second round trip.
    mr, app, pair = await _warm_favorites_reader(make_mr, tmp_path, limit)
    assert mr.settings.redis_url
    async with redis_commands(mr.settings.redis_url, mr.settings.cache_prefix) as seen:
        for _ in range(4):
            _, response = await app.asgi_client.get(
                "/favorites/", headers=_bearer(pair.access_token)
            )
            assert response.status == 200
            assert response.headers["ratelimit-limit"] == limit.split("/")[0]
    assert len(seen) == 4, seen
    scripts = [c for c in seen if "EVALSHA" in c.upper()]
    assert scripts, seen  # the 4 requests spent at least one batch
    assert all(f"stamp:{pair.user.id}" in c for c in seen), seen
    if limit == "60/minute":
        assert scripts == seen


@pytest.mark.services_only
async def test_a_token_revoked_elsewhere_is_counted_against_its_ip_too(
    make_mr: MakeMovieRec, tmp_path: Path
) -> None:
    # b last saw the token good: it guesses the user's key
    refused = await _logged_out_in_a_then_read_in_b(
        make_mr, tmp_path, rate_limit_anonymous="5/minute"
    )
    assert refused.status == 401
    assert refused.headers["ratelimit-limit"] == "5"  # the anonymous limit decided
