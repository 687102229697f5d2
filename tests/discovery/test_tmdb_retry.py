"""Retries: which failures are retried, how often, for how long, and what is raised after."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from movierec import NotFound, UpstreamError, UpstreamUnavailable
from movierec.testing import FakeTMDb
from movierec.tmdb import RetryPolicy, TMDbClient, parse_retry_after
from movierec.tmdb.responses import parse_page
from tests.conftest import MakeMovieRec, fast_retries


async def tmdb_client(make_mr: MakeMovieRec, fake: FakeTMDb, **overrides: object) -> TMDbClient:
    mr = await make_mr(**fake.settings_overrides(), **fast_retries(**overrides))
    assert mr.tmdb is not None
    return mr.tmdb


def test_backoff_is_full_jitter_under_an_exponential_cap() -> None:
    policy = RetryPolicy(base=0.5, cap=4.0, rng=random.Random(7))
    for attempt, ceiling in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (6, 4.0)]:
        delays = [policy.backoff(attempt) for _ in range(200)]
        assert all(0.0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling * 0.8  # spread over the whole range, not fixed


def test_retry_after_takes_seconds_or_an_http_date() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(" 0.5 ") == 0.5
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    now = datetime(2026, 1, 1, tzinfo=UTC)
    later = format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(later, now=now.timestamp()) == pytest.approx(30.0)


@pytest.mark.parametrize("status", [502, 503, 504, 429])
async def test_transient_failures_are_retried_until_success(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb, status: int
) -> None:
    tmdb = await tmdb_client(make_mr, fake_tmdb)
    fake_tmdb.fail_next(2, status=status)
    page = await tmdb.trending("day")
    assert page.items
    assert fake_tmdb.calls("/trending/movie/day") == 3


async def test_retries_stop_after_max_retries_with_upstream_unavailable(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb
) -> None:
    tmdb = await tmdb_client(make_mr, fake_tmdb, tmdb_max_retries=2)
    fake_tmdb.fail_next(10, status=503)
    with pytest.raises(UpstreamUnavailable, match="HTTP 503") as caught:
        await tmdb.genres()
    assert caught.value.details["tmdb_message"] == "Service offline - try again later."
    assert len(fake_tmdb.requests) == 3


async def test_retries_stop_when_the_time_budget_is_spent(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb
) -> None:
    tmdb = await tmdb_client(
        make_mr,
        fake_tmdb,
        tmdb_max_retries=10,
        tmdb_retry_budget=0.6,
        tmdb_backoff_base=0.2,
        tmdb_backoff_max=0.2,
    )
    fake_tmdb.fail_next(50, status=502)
    started = time.monotonic()
    with pytest.raises(UpstreamUnavailable):
        await tmdb.genres()
    assert time.monotonic() - started < 0.6 + 0.3
    assert 1 < len(fake_tmdb.requests) < 11


async def test_retry_after_is_honoured(make_mr: MakeMovieRec, fake_tmdb: FakeTMDb) -> None:
    tmdb = await tmdb_client(make_mr, fake_tmdb)
    fake_tmdb.fail_next(1, status=429, retry_after=1)
    await tmdb.genres()
    first, second = fake_tmdb.requests
    assert second.time - first.time >= 0.95


async def test_a_retry_after_past_the_budget_fails_at_once(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb
) -> None:
    tmdb = await tmdb_client(make_mr, fake_tmdb, tmdb_retry_budget=2.0)
    fake_tmdb.fail_next(1, status=429, retry_after=60)
    started = time.monotonic()
    with pytest.raises(UpstreamUnavailable, match="HTTP 429"):
        await tmdb.genres()
    assert time.monotonic() - started < 1.0
    assert len(fake_tmdb.requests) == 1


@pytest.mark.parametrize(("status", "error"), [(404, NotFound), (400, UpstreamError)])
async def test_other_client_errors_are_never_retried(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb, status: int, error: type[Exception]
) -> None:
    tmdb = await tmdb_client(make_mr, fake_tmdb)
    fake_tmdb.fail_next(5, status=status)
    with pytest.raises(error):
        await tmdb.genres()
    assert len(fake_tmdb.requests) == 1


async def test_a_500_is_an_upstream_error_without_retry(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb
) -> None:
    tmdb = await tmdb_client(make_mr, fake_tmdb)
    fake_tmdb.fail_next(5, status=500)
    with pytest.raises(UpstreamError, match="HTTP 500") as caught:
        await tmdb.genres()
    assert not isinstance(caught.value, UpstreamUnavailable)
    assert len(fake_tmdb.requests) == 1


async def test_a_slow_reply_times_out_within_the_budget(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb
) -> None:
    tmdb = await tmdb_client(make_mr, fake_tmdb, tmdb_timeout=0.2, tmdb_retry_budget=0.7)
    fake_tmdb.slow(30)
    started = time.monotonic()
    with pytest.raises(UpstreamUnavailable, match="timed out"):
        await tmdb.trending("day")
    elapsed = time.monotonic() - started
    assert 0.2 <= elapsed < 0.7 + 1.0
    assert len(fake_tmdb.requests) >= 2  # timeouts are retried, within the budget


async def test_one_slow_reply_is_retried_and_succeeds(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb
) -> None:
    tmdb = await tmdb_client(make_mr, fake_tmdb, tmdb_timeout=0.2)
    fake_tmdb.slow(30, times=1)
    assert (await tmdb.trending("day")).items
    assert len(fake_tmdb.requests) == 2


async def test_malformed_json_is_an_upstream_error_without_retry(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb
) -> None:
    tmdb = await tmdb_client(make_mr, fake_tmdb)
    fake_tmdb.malformed_next()
    with pytest.raises(UpstreamError, match="malformed") as caught:
        await tmdb.trending("week")
    assert type(caught.value) is UpstreamError
    assert len(fake_tmdb.requests) == 1


def test_a_reply_of_the_wrong_shape_is_an_upstream_error() -> None:
    with pytest.raises(UpstreamError, match="malformed reply on /trending"):
        parse_page({"genres": []}, "/trending/movie/{window}", "https://i/", "w500")
    with pytest.raises(UpstreamError, match=r"results\.0\.id"):
        parse_page({"page": 1, "results": [{"title": "x"}]}, "/search/movie", "https://i/", "w")


async def test_connection_resets_are_retried_then_reported(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb
) -> None:
    tmdb = await tmdb_client(make_mr, fake_tmdb, tmdb_max_retries=2)
    fake_tmdb.reset_connection_next(1)
    assert (await tmdb.genres())[0].name == "Action"
    fake_tmdb.reset()
    fake_tmdb.reset_connection_next(100)
    with pytest.raises(UpstreamUnavailable, match="could not be reached"):
        await tmdb.genres()
    # aiohttp itself re-sends a GET once when a kept-alive connection drops, so each of
    # our 3 attempts costs at most 2 requests.
    assert 3 <= len(fake_tmdb.requests) <= 6
