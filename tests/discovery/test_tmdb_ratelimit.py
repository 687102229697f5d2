"""The outbound TMDb rate limit: one bucket shared by every instance on the same backend."""

from __future__ import annotations

import asyncio
import time

import pytest

from movierec.testing import FakeTMDb, LoggedRequest
from tests.conftest import MakeMovieRec, fast_retries

# Arrival times at the server include connection set-up, so a limiter second can look a
# little shorter there; count over a slightly shorter window.
JITTERED_SECOND = 0.75


def most_in_any_window(requests: list[LoggedRequest], seconds: float) -> int:
    """The largest number of requests that arrived within ``seconds`` of each other."""
    times = sorted(r.time for r in requests)
    return max(sum(1 for t in times[i:] if t - start < seconds) for i, start in enumerate(times))


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
    assert most_in_any_window(fake_tmdb.requests, JITTERED_SECOND) <= 5
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
    assert most_in_any_window(fake_tmdb.requests, JITTERED_SECOND) <= 5
