"""Recommendations with TMDb as the movie source (the TMDb-shaped test server)."""

from __future__ import annotations

from movierec import MovieRec, Principal
from movierec.testing import FakeTMDb
from tests.conftest import MakeMovieRec
from tests.helpers.factories import add_favorites, stored_principal

FAVORITES = [603, 550, 680, 278, 11]  # The Matrix, Fight Club, Pulp Fiction, Shawshank, Star Wars


async def like(mr: MovieRec, user: Principal, ids: list[int]) -> None:
    """Look the movies up on TMDb (so they are known locally), then favorite them."""
    for ident in ids:
        await mr.movies.details(ident)
    await add_favorites(mr, user, ids)


async def test_with_tmdb_five_favorites_give_twenty_explained_recommendations(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb
) -> None:
    mr = await make_mr(**fake_tmdb.settings_overrides())
    user = await stored_principal()
    await like(mr, user, FAVORITES)
    await mr.recommend.dismiss(user, 604)

    listing = await mr.recommend.for_user(user, size=20)

    assert len(listing.items) == 20
    shown = {item.movie.id for item in listing.items}
    assert not shown & {*FAVORITES, 604}
    assert all(item.reason for item in listing.items)
    liked = [item for item in listing.items if item.reason_kind == "liked"]
    assert liked
    assert all(item.because_of in FAVORITES for item in liked)
    assert all(item.movie.poster_url for item in listing.items)
    # the related lists of the seed favorites were asked of TMDb, each once
    asked = [fake_tmdb.calls(f"/movie/{m}/recommendations") for m in FAVORITES]
    assert sum(asked) == mr.settings.recommend_seed_favorites
    assert set(asked) <= {0, 1}
    await mr.recommend.for_user(user, size=20)
    assert [fake_tmdb.calls(f"/movie/{m}/recommendations") for m in FAVORITES] == asked


async def test_with_tmdb_a_new_user_gets_trending_with_reasons(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb
) -> None:
    mr = await make_mr(**fake_tmdb.settings_overrides())
    user = await stored_principal()
    listing = await mr.recommend.for_user(user, size=20)
    assert listing.cold_start is True
    assert len(listing.items) == 20
    assert any(item.reason == "trending this week" for item in listing.items)
    assert fake_tmdb.calls("/trending/movie/week") == 1


async def test_with_tmdb_down_the_list_still_comes_from_what_is_known(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb
) -> None:
    mr = await make_mr(**fake_tmdb.settings_overrides(), tmdb_max_retries=0)
    user = await stored_principal()
    await like(mr, user, FAVORITES[:2])
    await mr.movies.trending("week")  # movies seen on TMDb are kept locally
    fake_tmdb.fail_next(100, status=503)
    listing = await mr.recommend.for_user(user, size=10)
    assert listing.items
    assert not {item.movie.id for item in listing.items} & set(FAVORITES[:2])
