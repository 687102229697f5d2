"""The outbound TMDb rate limit: one bucket shared by every instance on the same backend."""

from __future__ import annotations

import asyncio
import time

import pytest

from movierec.testing import FakeTMDb, LoggedRequest
from tests.conftest import MakeMovieRec, fast_retries

CLOCK_SLACK = 0.05
"""Seconds: the limiter stamps admissions with ``time.time()``, the fake TMDb logs arrivals
with ``time.monotonic()``; over a few seconds the two agree far closer than this."""


def assert_paced(requests: list[LoggedRequest], start: float, per_second: int) -> None:
    """No more than ``per_second * j`` requests arrived in the first ``j`` seconds, for every j.

    What the limiter guarantees, whatever the scheduling: it admits a call only when the
    admission ``per_second`` before it (in the order the store decided) is more than a
    second older, so the k-th admission (from 0) is at least ``k // per_second`` seconds
    after ``start``, and a request arrives after its admission. Delays (a loaded machine,
    connection set-up) only make arrivals later, so they cannot fail this; two buckets
    instead of one admit ``2 * per_second`` at once and fail it at k = ``per_second``.
    (A sliding check of arrivals - at most ``per_second`` within any second - is not
    guaranteed: a request admitted in one window but delayed on its way arrives among
    the next window's.)
    """
    arrivals = sorted(r.time - start for r in requests)
    early = [
        (k, round(at, 3)) for k, at in enumerate(arrivals) if at < k // per_second - CLOCK_SLACK
    ]
    assert not early, f"arrived before the limit allowed (index, seconds after start): {early}"


async def test_calls_past_the_outbound_limit_wait_for_the_window(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb
) -> None:
    mr = await make_mr(**fake_tmdb.settings_overrides(), **fast_retries(tmdb_rate_limit=5))
    assert mr.tmdb is not None
    # The services backend shares one database per run: compare against what was there.
    before = {row.endpoint: row for row in (await mr.usage.summary()).endpoints}
    started = time.monotonic()
    await asyncio.gather(*(mr.tmdb.genres() for _ in range(8)))
    assert time.monotonic() - started >= 0.95
    assert len(fake_tmdb.requests) == 8
    assert_paced(fake_tmdb.requests, started, 5)
    after = (await mr.usage.summary()).endpoints
    (row,) = [row for row in after if before.get(row.endpoint) != row]
    earlier = before.get(row.endpoint)
    assert row.rate_limit_waits - (earlier.rate_limit_waits if earlier else 0) == 3
    assert row.rate_limit_wait_s > (earlier.rate_limit_wait_s if earlier else 0)


@pytest.mark.services_only
async def test_the_outbound_limit_holds_across_instances_sharing_redis(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb
) -> None:
    overrides = {**fake_tmdb.settings_overrides(), **fast_retries(tmdb_rate_limit=5)}
    first, second = await make_mr(**overrides), await make_mr(**overrides)
    assert first.tmdb is not None
    assert second.tmdb is not None
    calls = [first.tmdb.genres() for _ in range(8)] + [second.tmdb.genres() for _ in range(7)]
    started = time.monotonic()
    await asyncio.gather(*calls)
    assert time.monotonic() - started >= 1.95  # 15 calls at 5/second need three windows
    assert len(fake_tmdb.requests) == 15
    assert_paced(fake_tmdb.requests, started, 5)  # one bucket: 5 by 1 s, 10 by 2 s
