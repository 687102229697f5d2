"""The TMDb client against a TMDb-shaped server: typed results, auth, errors, safe queries."""

from __future__ import annotations

from datetime import date

import pytest

from movierec import InvalidInput, MovieRec, NotFound, UpstreamAuthError
from movierec.testing import FakeTMDb
from movierec.tmdb import TMDbClient, poster_url
from movierec.types import MovieDetails
from tests.conftest import MakeMovieRec, fast_retries


async def tmdb_mr(make_mr: MakeMovieRec, fake: FakeTMDb, **overrides: object) -> TMDbClient:
    mr = await make_mr(**fake.settings_overrides(), **fast_retries(**overrides))
    assert mr.tmdb is not None
    return mr.tmdb


def test_poster_url_joins_base_size_and_path() -> None:
    base = "https://image.tmdb.org/t/p/"
    assert poster_url(base, "w500", "/abc.jpg") == "https://image.tmdb.org/t/p/w500/abc.jpg"
    assert poster_url(base.rstrip("/"), "w342", "abc.jpg") == (
        "https://image.tmdb.org/t/p/w342/abc.jpg"
    )
    assert poster_url(base, "w500", None) is None
    assert poster_url(base, "w500", "") is None


async def test_without_a_credential_there_is_no_tmdb_client(mr: MovieRec) -> None:
    assert mr.tmdb is None


async def test_trending_is_a_typed_page_with_poster_urls(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb
) -> None:
    tmdb = await tmdb_mr(make_mr, fake_tmdb)
    page = await tmdb.trending("week", 1)
    assert page.source == "tmdb"
    assert (page.page, page.total_pages, page.total) == (1, 2, 33)
    assert len(page.items) == 20
    first = page.items[0]
    assert first.title == "Inception"
    assert first.release_date == date(2010, 7, 15)
    assert first.genre_ids == (28, 878, 12)
    assert first.poster_url == "https://image.tmdb.org/t/p/w500/poster-27205.jpg"
    second_page = await tmdb.trending("week", 2)
    assert second_page.page == 2
    assert {m.id for m in second_page.items}.isdisjoint({m.id for m in page.items})
    day = await tmdb.trending("day")
    assert day.items[0].title == "The Shawshank Redemption"
    assert fake_tmdb.calls("/trending/movie/week") == 2
    assert fake_tmdb.calls("/trending/movie/day") == 1


async def test_poster_size_is_a_setting(make_mr: MakeMovieRec, fake_tmdb: FakeTMDb) -> None:
    tmdb = await tmdb_mr(make_mr, fake_tmdb, tmdb_poster_size="w185")
    details = await tmdb.details(603)
    assert details.poster_url == "https://image.tmdb.org/t/p/w185/poster-603.jpg"


async def test_details_carry_keywords_genres_and_runtime(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb
) -> None:
    tmdb = await tmdb_mr(make_mr, fake_tmdb)
    matrix = await tmdb.details(603)
    assert isinstance(matrix, MovieDetails)
    assert matrix.title == "The Matrix"
    assert matrix.year == 1999
    assert matrix.runtime == 136
    assert matrix.imdb_id == "tt0133093"
    assert "simulated reality" in matrix.keywords
    assert [g.name for g in matrix.genres] == ["Action", "Science Fiction"]
    assert matrix.genre_ids == (28, 878)
    assert fake_tmdb.requests[-1].query["append_to_response"] == "keywords"


async def test_a_movie_without_date_or_poster_parses_to_none(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb
) -> None:
    tmdb = await tmdb_mr(make_mr, fake_tmdb)
    movie = await tmdb.details(999002)
    assert movie.release_date is None
    assert movie.poster_path is None
    assert movie.poster_url is None


async def test_search_sends_the_query_as_a_parameter_and_hides_adult_titles(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb
) -> None:
    tmdb = await tmdb_mr(make_mr, fake_tmdb)
    page = await tmdb.search("matrix")
    assert [m.id for m in page.items] == [603, 604, 605, 999002]
    assert fake_tmdb.requests[-1].query["include_adult"] == "false"
    assert (await tmdb.search("adult feature")).items == []
    adult = await tmdb.search("adult feature", include_adult=True)
    assert [m.id for m in adult.items] == [999001]
    tricky = "matrix&api_key=stolen/../../movie/1?x=1"
    await tmdb.search(tricky)
    logged = fake_tmdb.requests[-1]
    assert logged.path == "/search/movie"
    assert logged.query["query"] == tricky


async def test_search_filters_by_year_and_folds_accents(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb
) -> None:
    tmdb = await tmdb_mr(make_mr, fake_tmdb)
    page = await tmdb.search("matrix", year=2003)
    assert {m.id for m in page.items} == {604, 605}
    assert fake_tmdb.requests[-1].query["year"] == "2003"
    assert [m.title for m in (await tmdb.search("amelie")).items] == ["Amélie"]


async def test_recommendations_similar_and_discover(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb
) -> None:
    tmdb = await tmdb_mr(make_mr, fake_tmdb)
    recommended = await tmdb.recommendations(603)
    assert recommended.items[0].id in {604, 605}
    assert 603 not in {m.id for m in recommended.items}
    similar = await tmdb.similar(603, 1)
    assert similar.total > 0
    scifi_action = await tmdb.discover([28, 878], 1, sort_by="vote_count.desc")
    assert all({28, 878} <= set(m.genre_ids) for m in scifi_action.items)
    counts = [m.vote_count for m in scifi_action.items]
    assert counts == sorted(counts, reverse=True)
    assert fake_tmdb.requests[-1].query["with_genres"] == "28,878"


async def test_genres_and_configuration(make_mr: MakeMovieRec, fake_tmdb: FakeTMDb) -> None:
    tmdb = await tmdb_mr(make_mr, fake_tmdb)
    genres = await tmdb.genres()
    assert {"id": 878, "name": "Science Fiction"} in [g.model_dump() for g in genres]
    config = await tmdb.configuration()
    assert config.images.secure_base_url == "https://image.tmdb.org/t/p/"
    assert "w500" in config.images.poster_sizes


@pytest.mark.parametrize("auth", ["token", "api_key"])
async def test_both_auth_forms_are_accepted(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb, auth: str
) -> None:
    mr = await make_mr(**fake_tmdb.settings_overrides(auth))  # type: ignore[arg-type]
    assert mr.tmdb is not None
    await mr.tmdb.genres()
    logged = fake_tmdb.requests[-1]
    if auth == "token":
        assert logged.authorization == f"Bearer {fake_tmdb.read_access_token}"
        assert "api_key" not in logged.query
    else:
        assert logged.authorization is None
        assert logged.query["api_key"] == fake_tmdb.api_key


@pytest.mark.parametrize("field", ["tmdb_read_access_token", "tmdb_api_key"])
async def test_a_rejected_key_is_a_clear_upstream_auth_error_without_retry(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb, field: str
) -> None:
    overrides = fake_tmdb.settings_overrides("token" if "token" in field else "api_key")
    overrides[field] = "wrong"
    mr = await make_mr(**overrides, **fast_retries())
    assert mr.tmdb is not None
    with pytest.raises(UpstreamAuthError, match="TMDb rejected the API key") as caught:
        await mr.tmdb.trending("day")
    assert caught.value.details["tmdb_code"] == 7
    assert len(fake_tmdb.requests) == 1


async def test_an_unknown_movie_is_not_found_without_retry(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb
) -> None:
    tmdb = await tmdb_mr(make_mr, fake_tmdb)
    for call in (tmdb.details, tmdb.similar, tmdb.recommendations):
        with pytest.raises(NotFound):
            await call(424242)
    assert len(fake_tmdb.requests) == 3


async def test_bad_arguments_are_refused_before_any_request(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb
) -> None:
    tmdb = await tmdb_mr(make_mr, fake_tmdb)
    with pytest.raises(InvalidInput, match="window"):
        await tmdb.trending("month")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="page"):
        await tmdb.trending("day", 0)
    with pytest.raises(InvalidInput, match="page"):
        await tmdb.search("x", page=501)
    with pytest.raises(InvalidInput, match="query"):
        await tmdb.search("   ")
    with pytest.raises(InvalidInput, match="movie_id"):
        await tmdb.details(-3)
    with pytest.raises(InvalidInput, match="sort_by"):
        await tmdb.discover([28], sort_by="popularity desc; drop")
    assert fake_tmdb.requests == []


async def test_the_session_opens_with_movierec_and_closes_with_it(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb
) -> None:
    mr = await make_mr(**fake_tmdb.settings_overrides())
    assert mr.tmdb is not None
    session = mr.tmdb._session
    assert session is not None
    assert not session.closed
    await mr.close()
    assert session.closed
