"""``mr.movies`` over the real TMDb client, against the TMDb-shaped server of the tests."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from movierec import ManualClock, UpstreamUnavailable
from movierec.db.models import Movie as MovieRow
from movierec.testing import FakeTMDb
from movierec_cli.app import app as cli_app
from movierec_server import create_app
from tests.conftest import MakeMovieRec, fast_retries
from tests.helpers.background_tmdb import BackgroundTMDb

TRENDING = "/trending/movie/week"


async def tmdb_mr(make_mr: MakeMovieRec, fake: FakeTMDb, **overrides: Any) -> Any:
    return await make_mr(**fake.settings_overrides(), **fast_retries(), **overrides)


async def test_with_a_tmdb_credential_discovery_comes_from_tmdb(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb
) -> None:
    mr = await tmdb_mr(make_mr, fake_tmdb)
    page = await mr.movies.trending()
    again = await mr.movies.trending()
    assert (page.source, page.cached, again.cached) == ("tmdb", False, True)
    assert page.items
    assert fake_tmdb.calls(TRENDING) == 1


async def test_a_hundred_concurrent_cold_requests_make_one_tmdb_call(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb
) -> None:
    mr = await tmdb_mr(make_mr, fake_tmdb)
    fake_tmdb.slow(0.1)
    pages = await asyncio.gather(*(mr.movies.trending() for _ in range(100)))
    assert fake_tmdb.calls(TRENDING) == 1
    assert len({tuple(m.id for m in page.items) for page in pages}) == 1


async def test_tmdb_down_serves_the_stale_copy(make_mr: MakeMovieRec, fake_tmdb: FakeTMDb) -> None:
    clock = ManualClock(1_000_000.0)
    mr = await tmdb_mr(make_mr, fake_tmdb, clock=clock, tmdb_max_retries=1)
    fresh = await mr.movies.trending()
    clock.advance(15 * 60 + 1)
    fake_tmdb.fail_next(10, status=503)
    page = await mr.movies.trending()
    assert (page.stale, page.source) == (True, "tmdb")
    assert [m.id for m in page.items] == [m.id for m in fresh.items]


async def test_tmdb_down_with_nothing_cached_is_upstream_unavailable(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb
) -> None:
    mr = await tmdb_mr(make_mr, fake_tmdb, tmdb_max_retries=1)
    fake_tmdb.fail_next(10, status=503)
    with pytest.raises(UpstreamUnavailable):
        await mr.movies.search("matrix")


async def test_movies_seen_on_tmdb_land_in_the_local_table(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb
) -> None:
    mr = await tmdb_mr(make_mr, fake_tmdb)
    page = await mr.movies.trending()
    stored = await MovieRow.filter(id__in=[m.id for m in page.items]).count()
    assert stored == len(page.items)
    assert not await MovieRow.filter(in_catalog=True).exists()


async def test_cache_hits_and_misses_are_reported_to_usage(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb
) -> None:
    mr = await tmdb_mr(make_mr, fake_tmdb)

    async def lookups() -> tuple[int, int]:
        report = await mr.usage.summary()
        rows = [row for row in report.endpoints if row.endpoint == "/trending/movie/{window}"]
        return sum(r.cache_hits for r in rows), sum(r.cache_misses for r in rows)

    hits, misses = await lookups()  # other tests' late flushes may share the database
    for _ in range(3):
        await mr.movies.trending()
    assert await lookups() == (hits + 2, misses + 1)


async def test_the_trending_route_says_tmdb(make_mr: MakeMovieRec, fake_tmdb: FakeTMDb) -> None:
    mr = await tmdb_mr(make_mr, fake_tmdb)
    _, response = await create_app(movierec=mr).asgi_client.get("/movies/trending")
    assert response.status == 200
    assert response.json["source"] == "tmdb"


@pytest.fixture
def background_tmdb() -> Iterator[BackgroundTMDb]:
    fake = BackgroundTMDb()
    yield fake
    fake.close()


def test_the_cli_uses_tmdb_when_configured(
    background_tmdb: BackgroundTMDb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOVIEREC_DATA_DIR", str(tmp_path / "data"))
    for name, value in background_tmdb.env().items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()
    trending = runner.invoke(cli_app, ["trending", "--json"])
    assert trending.exit_code == 0, trending.output
    assert json.loads(trending.stdout)["source"] == "tmdb"
    found = runner.invoke(cli_app, ["search", "matrix", "--json"])
    assert json.loads(found.stdout)["source"] == "tmdb"
