"""``mr.movies`` around any provider: validation, caching, single-flight, stale, upserts."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import pytest

from movierec import InvalidInput, ManualClock, MovieRec, UpstreamUnavailable
from movierec.db.models import Movie as MovieRow
from movierec.discovery.service import MovieService
from movierec.types import Movie
from tests.conftest import MakeMovieRec
from tests.helpers.providers import ScriptedProvider, sample_movies


async def scripted(
    make_mr: MakeMovieRec, **overrides: Any
) -> tuple[MovieService, ScriptedProvider]:
    mr = await make_mr(**overrides)
    provider = ScriptedProvider()
    return on_provider(mr, provider), provider


def on_provider(mr: MovieRec, provider: ScriptedProvider) -> MovieService:
    """Discovery wired like ``mr.movies``, over a scripted provider."""
    return MovieService(
        provider, settings=mr.settings, loader=mr.loader, clock=mr.clock, usage=mr.usage
    )


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda m: m.trending(window="month"), "window"),
        (lambda m: m.trending(page=0), "page"),
        (lambda m: m.trending(page=501), "page"),
        (lambda m: m.search("   "), "q"),
        (lambda m: m.search("x" * 201), "q"),
        (lambda m: m.search("matrix", year=1869), "year"),
        (lambda m: m.search("matrix", year=2101), "year"),
        (lambda m: m.details(0), "movie_id"),
        (lambda m: m.details(2**31), "movie_id"),
        (lambda m: m.similar(-1), "movie_id"),
    ],
)
async def test_bad_input_is_invalid_input_naming_the_field(
    mr: MovieRec, call: Any, field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        await call(mr.movies)
    assert caught.value.details == {"fields": {field: caught.value.details["fields"][field]}}


async def test_a_second_call_is_served_from_the_cache(make_mr: MakeMovieRec) -> None:
    movies, provider = await scripted(make_mr)
    first = await movies.trending("week", 1)
    second = await movies.trending("week", 1)
    assert provider.calls["trending"] == 1
    assert (first.cached, second.cached) == (False, True)
    assert second.items == first.items
    assert second.source == "tmdb"


async def test_trending_expires_after_its_ttl(make_mr: MakeMovieRec) -> None:
    clock = ManualClock(1_000_000.0)
    movies, provider = await scripted(make_mr, clock=clock)
    await movies.trending()
    clock.advance(15 * 60 - 1)
    await movies.trending()
    assert provider.calls["trending"] == 1
    clock.advance(2)
    page = await movies.trending()
    assert provider.calls["trending"] == 2
    assert page.cached is False


async def test_each_kind_of_answer_has_its_own_ttl(make_mr: MakeMovieRec) -> None:
    clock = ManualClock(1_000_000.0)
    movies, provider = await scripted(make_mr, clock=clock)
    await movies.search("heat")
    await movies.details(1)
    await movies.genres()
    clock.advance(3600 + 1)
    await movies.search("heat")
    await movies.details(1)
    await movies.genres()
    assert (provider.calls["search"], provider.calls["details"], provider.calls["genres"]) == (
        2,
        1,
        1,
    )


async def test_keys_differ_by_window_page_query_and_year(make_mr: MakeMovieRec) -> None:
    movies, provider = await scripted(make_mr)
    await movies.trending("day")
    await movies.trending("week")
    await movies.trending("week", page=2)
    await movies.search("heat")
    await movies.search("Heat")  # same query, other case: same key
    await movies.search("heat", year=1995)
    assert (provider.calls["trending"], provider.calls["search"]) == (3, 2)


async def test_a_stale_copy_is_served_when_the_provider_fails(make_mr: MakeMovieRec) -> None:
    clock = ManualClock(1_000_000.0)
    movies, provider = await scripted(make_mr, clock=clock)
    fresh = await movies.trending()
    clock.advance(16 * 60)
    provider.failing = True
    page = await movies.trending()
    assert (page.stale, page.cached) == (True, True)
    assert page.items == fresh.items


async def test_a_failing_provider_with_nothing_cached_raises(make_mr: MakeMovieRec) -> None:
    movies, provider = await scripted(make_mr)
    provider.failing = True
    with pytest.raises(UpstreamUnavailable):
        await movies.trending()


async def test_a_hundred_concurrent_cold_requests_make_one_provider_call(
    make_mr: MakeMovieRec,
) -> None:
    movies, provider = await scripted(make_mr)
    provider.delay = 0.05
    pages = await asyncio.gather(*(movies.trending() for _ in range(100)))
    assert provider.calls["trending"] == 1
    assert {len(page.items) for page in pages} == {3}


async def test_movies_seen_on_tmdb_are_stored_locally(make_mr: MakeMovieRec) -> None:
    movies, _ = await scripted(make_mr)
    await movies.trending()
    rows = await MovieRow.all().order_by("id")
    assert [(row.id, row.title, row.in_catalog) for row in rows] == [
        (1, "Movie 1", False),
        (2, "Movie 2", False),
        (3, "Movie 3", False),
    ]
    assert rows[0].genre_key == "|12|28|"
    assert rows[0].poster_path == "/p1.jpg"


async def test_a_second_sighting_refreshes_the_local_copy(make_mr: MakeMovieRec) -> None:
    movies, provider = await scripted(make_mr)
    await movies.trending()
    provider.movies = [
        sample_movies(1, 1)[0].model_copy(update={"title": "Renamed", "popularity": 5.0})
    ]
    await movies.search("renamed")
    row = await MovieRow.get(id=1)
    assert (row.title, row.search_title, row.popularity) == ("Renamed", "renamed", 5.0)


async def test_details_from_tmdb_store_keywords_and_imdb_id(make_mr: MakeMovieRec) -> None:
    movies, _ = await scripted(make_mr)
    info = await movies.details(2)
    assert info.runtime == 120
    row = await MovieRow.get(id=2)
    assert row.keywords == ["heist"]


async def test_tmdb_sightings_never_overwrite_catalog_statistics(catalog_mr: MovieRec) -> None:
    seen = Movie(
        id=603,
        title="The Matrix",
        release_date=date(1999, 3, 30),
        genre_ids=(28, 878),
        popularity=97.5,
        vote_average=8.2,
        vote_count=25_000,
        poster_path="/matrix.jpg",
    )
    provider = ScriptedProvider([seen])
    await on_provider(catalog_mr, provider).trending()
    row = await MovieRow.get(id=603)
    assert (row.poster_path, row.release_date) == ("/matrix.jpg", date(1999, 3, 30))
    assert (row.in_catalog, row.rating_count, row.popularity, row.vote_count) == (
        True,
        6,
        6.0,
        6,
    )
    assert row.keywords == ["cyberpunk", "philosophy"]


async def test_the_catalog_provider_is_used_without_a_tmdb_key(mr: MovieRec) -> None:
    assert mr.movies.provider.source == "catalog"
