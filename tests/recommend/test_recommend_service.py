"""``mr.recommend``: personalized, explained, diverse, cached, logged, dismissible."""

from __future__ import annotations

from pathlib import Path

import pytest

from movierec import MovieRec, Principal
from movierec.clock import ManualClock
from movierec.db.models import Dismissal, Recommendation, User
from movierec.errors import Conflict, InvalidInput, NotFound, ServiceUnavailable
from tests.conftest import MakeMovieRec
from tests.helpers.factories import add_favorites, stored_principal
from tests.helpers.taste_data import action_ids, movie_ids, tmdb_id

ACTION_GENRE = 28


async def test_a_user_with_five_favorites_gets_twenty_explained_recommendations(
    taste_mr: MovieRec,
) -> None:
    user = await stored_principal()
    favorites = action_ids()[:5]
    await add_favorites(taste_mr, user, favorites)
    dismissed = action_ids()[5]
    await taste_mr.recommend.dismiss(user, dismissed)

    listing = await taste_mr.recommend.for_user(user, size=20)

    assert len(listing.items) == 20
    assert listing.cold_start is False
    shown = [item.movie.id for item in listing.items]
    assert len(set(shown)) == 20
    assert not set(shown) & {*favorites, dismissed}
    assert all(item.reason for item in listing.items)
    # the best picks are the other Action movies, explained by a favorite
    assert ACTION_GENRE in listing.items[0].movie.genre_ids
    liked = [item for item in listing.items if item.reason_kind == "liked"]
    assert liked
    assert all(item.because_of in favorites for item in liked)
    assert liked[0].reason.startswith("because you liked ")


async def test_the_list_is_diversified_across_genres(taste_mr: MovieRec) -> None:
    user = await stored_principal()
    await add_favorites(taste_mr, user, action_ids()[:5])
    top = (await taste_mr.recommend.for_user(user, size=10)).items
    genres = {g for item in top for g in item.movie.genre_ids}
    assert len(genres) >= 2
    # but the remaining Action movies are still all near the top
    action_left = {*action_ids()[5:]}
    assert len(action_left & {item.movie.id for item in top}) >= 5


async def test_a_user_without_favorites_gets_the_cold_start_list(taste_mr: MovieRec) -> None:
    user = await stored_principal()
    listing = await taste_mr.recommend.for_user(user, size=20)
    assert listing.cold_start is True
    assert len(listing.items) == 20
    assert all(item.reason for item in listing.items)
    assert any(item.reason == "trending this week" for item in listing.items)


async def test_preferred_genres_lead_the_cold_start_reasons(taste_mr: MovieRec) -> None:
    user = await stored_principal()
    await User.filter(id=user.user_id).update(preferences={"genres": [27]})
    listing = await taste_mr.recommend.for_user(user, size=20)
    horror = {tmdb_id(m) for m in movie_ids("Horror")}
    assert any(
        item.reason == "popular in Horror" and item.movie.id in horror for item in listing.items
    )


async def test_the_second_call_is_cached_and_a_new_favorite_invalidates_it(
    taste_mr: MovieRec,
) -> None:
    user = await stored_principal()
    await add_favorites(taste_mr, user, action_ids()[:3])
    first = await taste_mr.recommend.for_user(user)
    second = await taste_mr.recommend.for_user(user)
    assert first.cached is False
    assert second.cached is True
    assert [i.movie.id for i in second.items] == [i.movie.id for i in first.items]

    newly_liked = first.items[0].movie.id
    await taste_mr.favorites.add(user, newly_liked)
    third = await taste_mr.recommend.for_user(user)
    assert third.cached is False
    assert newly_liked not in {i.movie.id for i in third.items}


async def test_changing_preferences_invalidates_the_cached_list(taste_mr: MovieRec) -> None:
    user = await stored_principal()
    assert (await taste_mr.recommend.for_user(user)).cached is False
    await User.filter(id=user.user_id).update(preferences={"genres": [35]})
    assert (await taste_mr.recommend.for_user(user)).cached is False


async def test_the_cached_list_expires_after_the_ttl(make_mr: object, taste_dir: object) -> None:
    clock = ManualClock()
    mr: MovieRec = await make_mr(clock=clock)  # type: ignore[operator]
    await mr.catalog.import_movielens(taste_dir)  # type: ignore[arg-type]
    user = await stored_principal()
    await mr.recommend.for_user(user)
    assert (await mr.recommend.for_user(user)).cached is True
    clock.advance(mr.settings.ttl_recommendations + 1)
    assert (await mr.recommend.for_user(user)).cached is False


async def test_each_served_page_is_logged_once(taste_mr: MovieRec) -> None:
    user = await stored_principal()
    await add_favorites(taste_mr, user, action_ids()[:5])
    listing = await taste_mr.recommend.for_user(user, size=10)
    await taste_mr.recommend.for_user(user, size=10)
    rows = await Recommendation.filter(user_id=user.user_id).order_by("id")
    assert [r.movie_id for r in rows] == [i.movie.id for i in listing.items]
    assert rows[0].reason == listing.items[0].reason
    assert rows[0].score == pytest.approx(listing.items[0].score)
    await taste_mr.recommend.for_user(user, page=2, size=10)
    assert await Recommendation.filter(user_id=user.user_id).count() == 20


async def test_a_dismissed_movie_disappears_at_once_and_for_good(taste_mr: MovieRec) -> None:
    user = await stored_principal()
    await add_favorites(taste_mr, user, action_ids()[:5])
    top = (await taste_mr.recommend.for_user(user)).items[0].movie.id
    first = await taste_mr.recommend.dismiss(user, top)
    again = await taste_mr.recommend.dismiss(user, top)
    assert (first.created, again.created) == (True, False)
    after = await taste_mr.recommend.for_user(user, size=50)
    assert after.cached is False
    assert top not in {i.movie.id for i in after.items}


async def test_refresh_all_recomputes_every_users_list_with_progress(taste_mr: MovieRec) -> None:
    users = [await stored_principal(f"user{n}") for n in range(3)]
    await add_favorites(taste_mr, users[0], action_ids()[:2])
    seen: list[tuple[int, int | None, str]] = []
    report = await taste_mr.recommend.refresh_all(
        progress=lambda done, total, stage: seen.append((done, total, stage)), concurrency=2
    )
    assert (report.users, report.refreshed, report.failed) == (3, 3, 0)
    assert seen[-1] == (3, 3, "refresh")
    assert (await taste_mr.recommend.for_user(users[0])).cached is True
    # refreshing logs nothing: nothing was shown
    assert await Recommendation.all().count() == 20


async def test_bad_page_size_and_unknown_users_are_refused(taste_mr: MovieRec) -> None:
    user = await stored_principal()
    with pytest.raises(InvalidInput):
        await taste_mr.recommend.for_user(user, size=0)
    with pytest.raises(InvalidInput):
        await taste_mr.recommend.for_user(user, page=0)
    with pytest.raises(InvalidInput):
        await taste_mr.recommend.dismiss(user, -3)
    with pytest.raises(NotFound):
        await taste_mr.recommend.for_user(Principal(user_id=99_999, username="ghost"))


async def test_a_page_past_the_end_is_empty(taste_mr: MovieRec) -> None:
    user = await stored_principal()
    listing = await taste_mr.recommend.for_user(user, page=40, size=50)
    assert listing.items == []
    assert listing.total > 0


async def test_the_refresh_job_runs_refresh_all_for_the_scheduler(taste_mr: MovieRec) -> None:
    user = await stored_principal()
    outcome = await taste_mr.jobs.run("refresh-recommendations")
    assert outcome.result["refreshed"] == 1
    assert (await taste_mr.recommend.for_user(user)).cached is True


async def test_without_any_movie_source_the_error_says_how_to_get_one(mr: MovieRec) -> None:
    user = await stored_principal()
    with pytest.raises(ServiceUnavailable, match="catalog import"):
        await mr.recommend.for_user(user)


async def test_refresh_all_counts_a_failing_user_and_goes_on(mr: MovieRec) -> None:
    await stored_principal("one")
    await stored_principal("two")
    report = await mr.recommend.refresh_all()
    assert (report.users, report.refreshed, report.failed) == (2, 0, 2)


async def test_only_existing_movies_can_be_dismissed_and_only_so_many(
    make_mr: MakeMovieRec, taste_dir: Path
) -> None:
    mr = await make_mr(dismissals_max_per_user=2)
    await mr.catalog.import_movielens(taste_dir)
    user = await stored_principal()
    with pytest.raises(NotFound):
        await mr.recommend.dismiss(user, 2**31 - 1)  # no such movie
    assert await Dismissal.filter(user_id=user.user_id).count() == 0
    for movie_id in action_ids()[:2]:
        assert (await mr.recommend.dismiss(user, movie_id)).created
    with pytest.raises(Conflict):
        await mr.recommend.dismiss(user, action_ids()[2])
    assert (await mr.recommend.dismiss(user, action_ids()[0])).created is False  # idempotent
    assert await Dismissal.filter(user_id=user.user_id).count() == 2
