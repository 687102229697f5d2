"""Hot replies answered at the connection (movierec_server.hotpath), against the full path.

Every test serves the app on a real loopback socket with the worker's protocol
(tests/helpers/served_here.py) and speaks raw HTTP/1.1, so what is compared is what the
server wrote. The reference is the same app built with ``fast_path=False``: a hot answer
must be that reply, byte for byte, with the same rate limit, request id, metrics and
access-log line; anything unusual must go the full path (``HotPath.answered`` and a
counting request hook tell which path answered).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import orjson
import pytest
from sanic import Request, Sanic
from sanic.response import BaseHTTPResponse

from movierec import ManualClock, MovieRec
from movierec_server import create_app
from movierec_server.draining import FIRST_ANSWER, ConnectionTally
from movierec_server.hotpath import HotPath
from movierec_server.metrics import ServerMetrics
from tests.conftest import MakeMovieRec
from tests.helpers.movielens_catalog import write_movielens
from tests.helpers.redis_monitor import redis_commands
from tests.helpers.served_here import Reply, Served, read_reply, request_head, served_here

HOT_PATHS = ["/movies/trending", "/movies/603", "/health"]


async def _catalog_mr(make_mr: MakeMovieRec, tmp_path: Path, **overrides: Any) -> MovieRec:
    mr = await make_mr(clock=ManualClock(), **overrides)
    await mr.catalog.import_movielens(write_movielens(tmp_path / f"ml-{id(mr)}"))
    return mr


async def _full_path_mr(
    make_mr: MakeMovieRec, tmp_path: Path, fast: MovieRec, **overrides: Any
) -> MovieRec:
    """A second instance with counts and cache of its own (another key prefix)."""
    prefix = fast.settings.cache_prefix + "full:"
    return await _catalog_mr(make_mr, tmp_path, cache_prefix=prefix, **overrides)


def _hot_path(app: Sanic[Any, Any]) -> HotPath:
    hot = getattr(app.ctx, FIRST_ANSWER)
    assert isinstance(hot, HotPath)
    return hot


class Hooks:
    """Counts the requests that ran Sanic's request and response hooks (the full path)."""

    def __init__(self, app: Sanic[Any, Any]) -> None:
        self.requests = 0
        self.responses = 0

        def count_request(request: Request) -> None:
            self.requests += 1

        def count_response(request: Request, response: BaseHTTPResponse) -> None:
            self.responses += 1

        app.on_request(count_request)
        app.register_middleware(count_response, "response")


def _without_reset(reply: Reply) -> list[tuple[str, str]]:
    """The headers in order, ``RateLimit-Reset`` checked and then left out: it counts the
    seconds to the end of the window, which two servers started apart need not share."""
    reset = reply.header("RateLimit-Reset")
    assert 0 <= int(reset or "-1") <= 60, reply.headers
    return [(name, value) for name, value in reply.headers if name != "RateLimit-Reset"]


async def _warm(served: Served, path: str) -> None:
    """Load the reply, then read it from the shared cache (which keeps it hot)."""
    for _ in range(2):
        assert (await served.get(path)).status == 200


@pytest.mark.parametrize("path", HOT_PATHS)
async def test_a_hot_answer_is_the_full_paths_reply_byte_for_byte(
    make_mr: MakeMovieRec, tmp_path: Path, path: str
) -> None:
    fast_mr = await _catalog_mr(make_mr, tmp_path)
    full_mr = await _full_path_mr(make_mr, tmp_path, fast_mr)
    fast_app = create_app(movierec=fast_mr)
    full_app = create_app(movierec=full_mr, fast_path=False)
    replies = []
    for app in (fast_app, full_app):
        async with served_here(app) as served:
            await _warm(served, path)
            replies.append(await served.get(path, X_Request_ID="fixed-id-1"))
    assert _hot_path(fast_app).answered == 1 + (2 if path == "/health" else 0)
    assert not hasattr(full_app.ctx, FIRST_ANSWER)
    fast, full = replies
    assert (fast.status, fast.body) == (full.status, full.body) == (200, full.body)
    assert _without_reset(fast) == _without_reset(full)  # the same lines, in the same order
    assert fast.header("X-Request-ID") == "fixed-id-1"
    limit = int(fast_mr.settings.rate_limit_anonymous.split("/")[0])
    assert fast.header("RateLimit-Remaining") == str(limit - 3)


async def test_the_rate_limit_counts_and_refuses_as_on_the_full_path(
    make_mr: MakeMovieRec, tmp_path: Path
) -> None:
    fast_mr = await _catalog_mr(make_mr, tmp_path, rate_limit_anonymous="6/minute")
    full_mr = await _full_path_mr(make_mr, tmp_path, fast_mr, rate_limit_anonymous="6/minute")
    runs: list[list[Reply]] = []
    fast_app = create_app(movierec=fast_mr)
    for app in (fast_app, create_app(movierec=full_mr, fast_path=False)):
        async with served_here(app) as served:
            await _warm(served, "/movies/trending")
            runs.append([await served.get("/movies/trending") for _ in range(6)])
    assert _hot_path(fast_app).answered == 4  # the allowed ones; the refused went the full way
    fast, full = runs
    for run in runs:
        assert [r.status for r in run] == [200] * 4 + [429] * 2
    assert [r.header("RateLimit-Remaining") for r in fast] == ["3", "2", "1", "0", "0", "0"]
    assert [r.header("RateLimit-Remaining") for r in fast] == [
        r.header("RateLimit-Remaining") for r in full
    ]
    for refused_fast, refused_full in zip(fast[4:], full[4:], strict=True):
        error_fast, error_full = orjson.loads(refused_fast.body), orjson.loads(refused_full.body)
        assert error_fast["error"]["code"] == error_full["error"]["code"] == "rate_limited"
        assert error_fast["error"]["details"] == error_full["error"]["details"]
        for refused in (refused_fast, refused_full):  # seconds until the window frees one
            assert 1 <= int(refused.header("Retry-After") or "0") <= 120, refused.headers
        assert [name for name, _ in refused_fast.headers] == [
            name for name, _ in refused_full.headers
        ]


@pytest.mark.services_only
async def test_hot_answers_of_two_workers_share_one_count(
    make_mr: MakeMovieRec, tmp_path: Path
) -> None:
    first = await _catalog_mr(make_mr, tmp_path, rate_limit_anonymous="6/minute")
    second = await make_mr(clock=ManualClock(), rate_limit_anonymous="6/minute")  # same Redis
    apps = [create_app(movierec=first), create_app(movierec=second)]
    async with served_here(apps[0]) as one, served_here(apps[1]) as two:
        await _warm(one, "/movies/trending")  # the shared cache holds the page now
        await _warm(two, "/movies/trending")  # 4 of 6 counted; its second was hot already
        replies = [await (one, two)[i % 2].get("/movies/trending") for i in range(4)]
    assert [r.header("RateLimit-Remaining") for r in replies] == ["1", "0", "0", "0"]
    assert [r.status for r in replies] == [200, 200, 429, 429]
    assert [_hot_path(app).answered for app in apps] == [1, 2]


def _requests_counted(metrics: ServerMetrics, route: str, status: str = "200") -> float:
    value = metrics.registry.get_sample_value(
        "movierec_http_requests_total", {"method": "GET", "route": route, "status": status}
    )
    return value or 0.0


async def test_a_hot_answer_is_observed_and_logged_once_like_the_full_paths(
    make_mr: MakeMovieRec, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fast_mr = await _catalog_mr(make_mr, tmp_path)
    full_mr = await _full_path_mr(make_mr, tmp_path, fast_mr)
    records: list[list[logging.LogRecord]] = []
    counted: list[float] = []
    for fast_path, mr in ((True, fast_mr), (False, full_mr)):
        app = create_app(movierec=mr, fast_path=fast_path)
        async with served_here(app) as served:
            await _warm(served, "/movies/603")
            metrics: ServerMetrics = app.ctx.metrics
            before = _requests_counted(metrics, "/movies/<movie_id:int>")
            caplog.clear()
            with caplog.at_level(logging.INFO, logger="movierec.access"):
                await served.get("/movies/603", X_Request_ID="logged-1")
            records.append([r for r in caplog.records if r.name == "movierec.access"])
            counted.append(_requests_counted(metrics, "/movies/<movie_id:int>") - before)
    assert counted == [1.0, 1.0]
    [fast], [full] = records
    fast_fields, full_fields = dict(fast.fields), dict(full.fields)  # type: ignore[attr-defined]
    for fields in (fast_fields, full_fields):
        assert isinstance(fields.pop("latency_ms"), float)
    assert (
        fast_fields
        == full_fields
        == {
            "request_id": "logged-1",
            "method": "GET",
            "route": "/movies/<movie_id:int>",
            "path": "/movies/603",
            "status": 200,
            "user_id": None,
        }
    )
    assert fast.msg == full.msg
    assert fast.getMessage().startswith("GET /movies/603 -> 200 in ")


async def test_unusual_requests_go_the_full_path(make_mr: MakeMovieRec, tmp_path: Path) -> None:
    mr = await _catalog_mr(make_mr, tmp_path, cors_origins=["https://app.example"])
    app = create_app(movierec=mr)
    hooks = Hooks(app)
    hot = _hot_path(app)
    async with served_here(app) as served:
        await _warm(served, "/movies/trending")
        assert (hooks.requests, hot.answered) == (2, 0)
        signed = await served.get("/movies/trending", Authorization="Bearer not-a-token")
        cors = await served.get("/movies/trending", Origin="https://app.example")
        [posted] = await served.exchange(
            b"POST /movies/trending HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
        )
        missed = await served.get("/movies/trending?window=day")
        assert (hooks.requests, hot.answered) == (6, 0)  # each ran the request hook
        hit = await served.get("/movies/trending")
    assert (hooks.requests, hooks.responses, hot.answered) == (6, 6, 1)
    assert (signed.status, signed.body) == (200, hit.body)
    assert cors.header("Access-Control-Allow-Origin") == "https://app.example"
    assert hit.header("Access-Control-Allow-Origin") is None
    assert posted.status == 405
    assert orjson.loads(missed.body)["cached"] is False


async def test_https_enforcement_and_secure_requests_keep_their_rules(
    make_mr: MakeMovieRec, tmp_path: Path
) -> None:
    # Behind a trusted proxy that says the client used HTTPS, the hot answer carries HSTS
    # as the full path's does; a plain-HTTP request under force_https is redirected.
    mr = await _catalog_mr(
        make_mr, tmp_path, force_https=True, trusted_proxies=["127.0.0.1"], hsts_max_age=600
    )
    app = create_app(movierec=mr)
    hot = _hot_path(app)
    async with served_here(app) as served:
        secure = {"X_Forwarded_Proto": "https"}
        replies = [await served.get("/movies/trending", **secure) for _ in range(3)]
        plain = await served.get("/movies/trending")
    assert hot.answered == 1  # loaded, read from the shared cache, then hot
    assert [r.status for r in replies] == [200, 200, 200]
    assert replies[2].body == replies[1].body
    hsts = {r.header("Strict-Transport-Security") for r in replies}
    assert hsts == {"max-age=600; includeSubDomains"}
    assert plain.status == 301


async def _accepted(served: Served) -> None:
    while not served.server.connections:  # noqa: ASYNC110 (the server has no event for it)
        await asyncio.sleep(0.01)


async def test_a_hot_answer_while_the_worker_stops_closes_its_connection(
    make_mr: MakeMovieRec, tmp_path: Path
) -> None:
    mr = await _catalog_mr(make_mr, tmp_path)
    app = create_app(movierec=mr)
    hot = _hot_path(app)
    async with served_here(app) as served:
        await _warm(served, "/movies/trending")
        reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
        try:
            await asyncio.wait_for(_accepted(served), 10)
            for connection in served.server.connections:
                connection.signal.stopped = True  # what Sanic's stop sets, then drains
            tally: ConnectionTally = app.ctx.connection_tally
            responses = tally.responses
            writer.write(request_head("GET", "/movies/trending"))
            await writer.drain()
            reply = await asyncio.wait_for(read_reply(reader), 10)
            assert await asyncio.wait_for(reader.read(), 10) == b""  # then closed
        finally:
            writer.close()
    assert hot.answered == 1
    assert reply.status == 200
    assert reply.header("Connection") == "close"
    assert tally.responses == responses + 1


@pytest.mark.services_only
async def test_a_hot_hit_runs_no_hook_and_makes_one_redis_round_trip(
    make_mr: MakeMovieRec, tmp_path: Path
) -> None:
    app = create_app(movierec=await _catalog_mr(make_mr, tmp_path))
    hooks, settings = Hooks(app), app.ctx.settings
    async with served_here(app) as served:
        await _warm(served, "/movies/trending")
        counts = (hooks.requests, hooks.responses)
        async with redis_commands(settings.redis_url, settings.cache_prefix) as seen:
            reply = await served.get("/movies/trending")
    assert reply.status == 200
    assert _hot_path(app).answered == 1
    assert (hooks.requests, hooks.responses) == counts  # no hook ran, no response object
    assert len(seen) == 1, seen  # the rate limit's script, and nothing else
    assert "EVALSHA" in seen[0].upper()
