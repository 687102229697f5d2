"""Usage accounting: in-memory tallies, batched upserts, and the admin summary."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from movierec import InvalidInput, ManualClock, NotFound
from movierec.db.models import ApiUsage
from movierec.operations import LATENCY_BUCKETS, status_class
from movierec.operations.report import percentile
from movierec.testing import FakeTMDb
from tests.conftest import MakeMovieRec, fast_retries

START = datetime(2026, 3, 1, 10, 15, tzinfo=UTC)


def test_status_classes() -> None:
    assert [status_class(s) for s in (200, 204, 304, 404, 429, 503)] == [
        "2xx",
        "2xx",
        "3xx",
        "4xx",
        "4xx",
        "5xx",
    ]
    assert status_class(None) == "err"


def test_the_histogram_columns_exist_on_the_model() -> None:
    assert set(LATENCY_BUCKETS) <= set(ApiUsage._meta.fields_map)


def test_percentiles_interpolate_inside_histogram_buckets() -> None:
    histogram = [0] * len(LATENCY_BUCKETS)
    assert percentile(histogram, 0.5) is None
    histogram[LATENCY_BUCKETS.index("latency_le_100")] = 100  # all calls in (50, 100] ms
    assert percentile(histogram, 0.5) == pytest.approx(75.0)
    assert percentile(histogram, 0.99) == pytest.approx(99.5)
    histogram[-1] = 100  # half the calls slower than the last bound
    assert percentile(histogram, 0.99) == 10000.0


async def test_calls_and_cache_lookups_are_summed_per_hour_and_endpoint(
    make_mr: MakeMovieRec,
) -> None:
    clock = ManualClock(START.timestamp())
    mr = await make_mr(clock=clock)
    usage = mr.usage
    usage.record_call("/trending/movie/{window}", 200, 40.0, retries=0)
    usage.record_call("/trending/movie/{window}", 200, 80.0, retries=2, rate_limit_wait_s=0.5)
    usage.record_call("/trending/movie/{window}", 503, 900.0, retries=3)
    usage.record_call("/movie/{id}", 404, 30.0)
    usage.record_call("/movie/{id}", None, 3000.0, retries=1)
    for hit in (True, True, True, False):
        usage.record_cache("/trending/movie/{window}", hit=hit)
    usage.record_cache("/trending/movie/{window}", hit=True, stale=True)
    clock.advance(3600)  # the next hour
    usage.record_call("/trending/movie/{window}", 200, 20.0)
    usage.record_cache("/trending/movie/{window}", hit=False)

    report = await usage.summary()
    assert report.bucket == "hour"
    rows = {(row.bucket, row.endpoint): row for row in report.rows}
    first_hour = START.replace(minute=0)
    trending = rows[(first_hour, "/trending/movie/{window}")]
    assert trending.calls == 3
    assert trending.status == {"2xx": 2, "5xx": 1}
    assert trending.retries == 5
    assert (trending.cache_hits, trending.cache_misses, trending.stale_serves) == (4, 1, 1)
    assert trending.hit_ratio == 0.8
    assert trending.rate_limit_waits == 1
    assert trending.rate_limit_wait_s == 0.5
    assert trending.latency_mean_ms == pytest.approx((40 + 80 + 900) / 3, abs=0.01)
    assert 25 <= trending.latency_p50_ms <= 100  # type: ignore[operator]
    assert 500 <= trending.latency_p99_ms <= 1000  # type: ignore[operator]
    details = rows[(first_hour, "/movie/{id}")]
    assert details.status == {"4xx": 1, "err": 1}
    assert details.hit_ratio is None
    later = rows[(first_hour + timedelta(hours=1), "/trending/movie/{window}")]
    assert (later.calls, later.cache_misses) == (1, 1)

    totals = {row.endpoint: row for row in report.endpoints}
    assert totals["/trending/movie/{window}"].calls == 4
    assert totals["/trending/movie/{window}"].bucket is None
    assert totals["/trending/movie/{window}"].hit_ratio == pytest.approx(4 / 6, abs=1e-4)


async def test_summary_by_day_and_since(make_mr: MakeMovieRec) -> None:
    clock = ManualClock(START.timestamp())
    mr = await make_mr(clock=clock)
    for _ in range(3):
        mr.usage.record_call("/search/movie", 200, 10.0)
        clock.advance(6 * 3600)  # 10:15, 16:15, 22:15 on day one
    mr.usage.record_call("/search/movie", 200, 10.0)  # 04:15 on day two
    by_day = await mr.usage.summary(bucket="day")
    assert [(row.bucket, row.calls) for row in by_day.rows] == [
        (datetime(2026, 3, 1, tzinfo=UTC), 3),
        (datetime(2026, 3, 2, tzinfo=UTC), 1),
    ]
    recent = await mr.usage.summary(since=datetime(2026, 3, 1, 22, 30, tzinfo=UTC))
    assert [row.calls for row in recent.rows] == [1, 1]  # from the 22:00 hour on
    naive = await mr.usage.summary(since=datetime(2026, 3, 2))
    assert [row.calls for row in naive.rows] == [1]
    with pytest.raises(InvalidInput, match="bucket"):
        await mr.usage.summary(bucket="week")  # type: ignore[arg-type]


async def test_flushes_add_to_existing_rows(make_mr: MakeMovieRec) -> None:
    clock = ManualClock(START.timestamp())
    mr = await make_mr(clock=clock)
    mr.usage.record_call("/genre/movie/list", 200, 12.0)
    assert await mr.usage.flush() == 1
    mr.usage.record_call("/genre/movie/list", 200, 12.0, retries=1)
    mr.usage.record_cache("/genre/movie/list", hit=True)
    assert await mr.usage.flush() == 2
    assert await mr.usage.flush() == 0
    with mr.db.activate():
        rows = await ApiUsage.filter(endpoint="/genre/movie/list").order_by("status_class")
    assert [(r.status_class, r.calls, r.retries, r.cache_hits) for r in rows] == [
        ("2xx", 2, 1, 0),
        ("cache", 0, 0, 1),
    ]
    assert rows[0].latency_le_25 == 2


@pytest.mark.services_only
async def test_instances_sharing_a_database_add_to_the_same_rows(make_mr: MakeMovieRec) -> None:
    clock = ManualClock(START.timestamp())
    first, second = await make_mr(clock=clock), await make_mr(clock=clock)
    for _ in range(5):
        first.usage.record_call("/configuration", 200, 5.0)
        second.usage.record_call("/configuration", 200, 5.0)
    await asyncio.gather(first.usage.flush(), second.usage.flush())
    report = await first.usage.summary()
    assert [(row.endpoint, row.calls) for row in report.rows] == [("/configuration", 10)]


async def test_pending_counts_are_written_on_close(make_mr: MakeMovieRec) -> None:
    clock = ManualClock(START.timestamp())
    mr = await make_mr(clock=clock)
    reader = await make_mr(clock=clock) if mr.db.kind == "postgres" else mr
    mr.usage.record_call("/configuration", 200, 5.0)
    if reader is mr:  # one in-memory SQLite: flush as close would, then read
        await mr.usage.close()
    else:
        await mr.close()
    report = await reader.usage.summary()
    assert [row.calls for row in report.rows] == [1]


async def test_the_background_task_flushes_periodically(make_mr: MakeMovieRec) -> None:
    mr = await make_mr(usage_flush_interval=0.05)
    mr.usage.record_call("/configuration", 200, 5.0)
    for _ in range(100):
        with mr.db.activate():
            if await ApiUsage.exists():
                break
        await asyncio.sleep(0.02)
    with mr.db.activate():
        assert await ApiUsage.filter(endpoint="/configuration").count() == 1


async def test_usage_counts_match_the_servers_request_log(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb
) -> None:
    mr = await make_mr(**fake_tmdb.settings_overrides(), **fast_retries())
    assert mr.tmdb is not None
    await mr.tmdb.trending("day")
    await mr.tmdb.trending("week", 2)
    fake_tmdb.fail_next(2, status=503)
    await mr.tmdb.details(603)
    with pytest.raises(NotFound):
        await mr.tmdb.details(1)
    await mr.tmdb.search("matrix")
    fake_tmdb.fail_next(1, status=502)
    await mr.tmdb.search("alien")

    report = await mr.usage.summary()
    totals = {row.endpoint: row for row in report.endpoints}
    served = fake_tmdb.counts
    assert sum(row.calls + row.retries for row in report.endpoints) == len(fake_tmdb.requests)
    trending = totals["/trending/movie/{window}"]
    assert trending.calls == served["/trending/movie/day"] + served["/trending/movie/week"]
    details = totals["/movie/{id}"]
    assert details.calls + details.retries == served["/movie/603"] + served["/movie/1"]
    assert details.status == {"2xx": 1, "4xx": 1}
    assert details.retries == 2
    search = totals["/search/movie"]
    assert (search.calls, search.retries) == (2, 1)
    assert search.calls + search.retries == served["/search/movie"]
    assert all(row.latency_p50_ms is not None for row in report.endpoints)
