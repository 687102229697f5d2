"""Pre-warming trending: the lists are reloaded before they expire, never after."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from movierec import ManualClock, MovieRec
from tests.helpers.movielens_catalog import write_movielens


async def _catalog_mr(make_mr: Any, tmp_path: Path, clock: ManualClock) -> MovieRec:
    mr: MovieRec = await make_mr(clock=clock, ttl_trending=900)
    await mr.catalog.import_movielens(write_movielens(tmp_path / "ml-tiny"))
    return mr


async def test_prewarm_loads_cold_lists_and_leaves_fresh_ones(make_mr: Any, tmp_path: Path) -> None:
    clock = ManualClock(1_800_000_000.0)
    mr = await _catalog_mr(make_mr, tmp_path, clock)
    first = await mr.jobs.run("prewarm-trending")
    assert first.result == {"day": "reloaded", "week": "reloaded"}
    clock.advance(200)  # 700 s left of 900: more than half
    second = await mr.jobs.run("prewarm-trending")
    assert second.result == {"day": "fresh", "week": "fresh"}


async def test_prewarm_reloads_lists_past_half_their_life(make_mr: Any, tmp_path: Path) -> None:
    clock = ManualClock(1_800_000_000.0)
    mr = await _catalog_mr(make_mr, tmp_path, clock)
    await mr.jobs.run("prewarm-trending")
    clock.advance(600)  # 300 s left: less than half
    again = await mr.jobs.run("prewarm-trending")
    assert again.result == {"day": "reloaded", "week": "reloaded"}
    clock.advance(600)  # past the first load's expiry, inside the second
    page = await mr.movies.trending(window="week")
    assert page.cached is True


def test_prewarm_runs_three_times_per_trending_lifetime() -> None:
    from movierec import Settings
    from movierec.operations.jobs import JOBS

    assert JOBS["prewarm-trending"].every_seconds(Settings(ttl_trending=900)) == 300
