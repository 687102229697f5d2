"""The favorites library: add, remove, check, list, versions, on both backends."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest

from movierec import (
    AmbiguousTitle,
    Conflict,
    InvalidInput,
    ManualClock,
    MovieRec,
    NotFound,
    Principal,
)
from movierec.db.models import Favorite
from tests.conftest import MakeMovieRec
from tests.helpers.factories import stored_movies, stored_principal


@pytest.fixture
async def alice(mr: MovieRec) -> Principal:
    await stored_movies()
    return await stored_principal("alice")


async def test_adding_a_favorite_stores_title_poster_year_and_genres(
    mr: MovieRec, alice: Principal
) -> None:
    result = await mr.favorites.add(alice, 603)
    assert result.created is True
    item = result.favorite
    assert (item.movie_id, item.title, item.release_year) == (603, "The Matrix", 1999)
    assert item.poster_url is not None
    assert item.poster_url.endswith("/poster603.jpg")
    assert item.genre_ids == (28, 878)
    assert await mr.favorites.is_favorite(alice, 603)


async def test_adding_a_favorite_twice_keeps_one_row_and_says_it_existed(
    mr: MovieRec, alice: Principal
) -> None:
    first = await mr.favorites.add(alice, 603)
    second = await mr.favorites.add(alice, 603)
    assert (first.created, second.created) == (True, False)
    assert second.favorite == first.favorite
    assert await Favorite.filter(user_id=alice.user_id).count() == 1


async def test_a_title_with_one_clear_match_is_added(mr: MovieRec, alice: Principal) -> None:
    result = await mr.favorites.add_title(alice, "fight club")
    assert (result.created, result.favorite.movie_id) == (True, 550)
    again = await mr.favorites.add_title(alice, "Fight Club (1999)")
    assert (again.created, again.favorite.movie_id) == (False, 550)


async def test_an_ambiguous_title_lists_the_candidates_and_adds_nothing(
    mr: MovieRec, alice: Principal
) -> None:
    with pytest.raises(AmbiguousTitle) as caught:
        await mr.favorites.add_title(alice, "Crash")
    error = caught.value
    assert (error.code, error.http_status, error.exit_code) == ("ambiguous_title", 409, 2)
    assert isinstance(error, InvalidInput)
    assert {(c["movie_id"], c["release_year"]) for c in error.candidates} == {
        (1640, 2004),
        (20382, 1996),
    }
    assert error.details["title"] == "Crash"
    assert await Favorite.filter(user_id=alice.user_id).count() == 0
    dated = await mr.favorites.add_title(alice, "Crash", year=1996)
    assert dated.favorite.movie_id == 20382


async def test_a_title_nothing_resembles_is_not_found(mr: MovieRec, alice: Principal) -> None:
    with pytest.raises(NotFound):
        await mr.favorites.add_title(alice, "Zzyzx Road Unseen")
    with pytest.raises(InvalidInput, match="year"):
        await mr.favorites.add_title(alice, "Crash (2004)", year=1996)


async def test_twenty_concurrent_adds_of_one_movie_make_one_row(
    mr: MovieRec, alice: Principal
) -> None:
    results = await asyncio.gather(*(mr.favorites.add(alice, 550) for _ in range(20)))
    assert sum(result.created for result in results) == 1
    assert await Favorite.filter(user_id=alice.user_id, movie_id=550).count() == 1
    assert await mr.favorites.version(alice) == 1


async def test_two_users_adding_the_same_movie_concurrently_each_get_it(
    mr: MovieRec, alice: Principal
) -> None:
    bob = await stored_principal("bob")
    a, b = await asyncio.gather(mr.favorites.add(alice, 603), mr.favorites.add(bob, 603))
    assert a.created
    assert b.created
    assert await Favorite.filter(movie_id=603).count() == 2


async def test_adding_an_unknown_movie_is_not_found_and_stores_nothing(
    mr: MovieRec, alice: Principal
) -> None:
    with pytest.raises(NotFound):
        await mr.favorites.add(alice, 999_999)
    assert await Favorite.all().count() == 0
    assert await mr.favorites.version(alice) == 0


@pytest.mark.parametrize("bad", [0, -1, 2**31, "603", "abc", "1; DROP TABLE favorites", 1.5, True])
async def test_bad_movie_ids_are_invalid_input_naming_movie_id(
    mr: MovieRec, alice: Principal, bad: object
) -> None:
    with pytest.raises(InvalidInput) as caught:
        await mr.favorites.add(alice, bad)  # type: ignore[arg-type]
    assert caught.value.details == {"fields": {"movie_id": caught.value.message.split(": ")[1]}}
    assert await Favorite.all().count() == 0


async def test_removing_a_favorite_deletes_it(mr: MovieRec, alice: Principal) -> None:
    await mr.favorites.add(alice, 603)
    assert await mr.favorites.remove(alice, 603) is True
    assert not await mr.favorites.is_favorite(alice, 603)


async def test_removing_a_movie_that_is_not_a_favorite_is_not_found(
    mr: MovieRec, alice: Principal
) -> None:
    with pytest.raises(NotFound) as caught:
        await mr.favorites.remove(alice, 603)
    assert caught.value.http_status == 404
    assert await mr.favorites.version(alice) == 0


async def test_a_user_cannot_remove_another_users_favorite(mr: MovieRec, alice: Principal) -> None:
    bob = await stored_principal("bob")
    await mr.favorites.add(bob, 603)
    with pytest.raises(NotFound):
        await mr.favorites.remove(alice, 603)
    assert await mr.favorites.is_favorite(bob, 603)


async def test_every_change_bumps_the_favorites_version(mr: MovieRec, alice: Principal) -> None:
    versions = [await mr.favorites.version(alice)]
    await mr.favorites.add(alice, 603)
    versions.append(await mr.favorites.version(alice))
    await mr.favorites.add(alice, 603)  # no change, no bump
    versions.append(await mr.favorites.version(alice))
    await mr.favorites.remove(alice, 603)
    versions.append(await mr.favorites.version(alice))
    assert versions == [0, 1, 1, 2]


async def test_the_version_of_an_unknown_user_is_not_found(mr: MovieRec) -> None:
    with pytest.raises(NotFound):
        await mr.favorites.version(Principal(user_id=12345, username="ghost"))


async def test_adding_past_the_per_user_limit_is_a_conflict(make_mr: MakeMovieRec) -> None:
    mr = await make_mr(favorites_max_per_user=2)
    await stored_movies()
    alice = await stored_principal("alice")
    await mr.favorites.add(alice, 603)
    await mr.favorites.add(alice, 550)
    with pytest.raises(Conflict) as caught:
        await mr.favorites.add(alice, 13)
    assert "at most 2 favorites" in caught.value.message
    assert await Favorite.filter(user_id=alice.user_id).count() == 2
    assert await mr.favorites.version(alice) == 2


@dataclass
class Timeline:
    """A MovieRec on a manual clock, and a user who added five movies a second apart."""

    mr: MovieRec
    clock: ManualClock
    user: Principal


@pytest.fixture
async def timeline(make_mr: MakeMovieRec) -> Timeline:
    clock = ManualClock(1_700_000_000)
    mr = await make_mr(clock=clock)
    await stored_movies()
    alice = await stored_principal("alice")
    for movie_id in (603, 550, 13, 680, 129):
        clock.advance(1)
        await mr.favorites.add(alice, movie_id)
    return Timeline(mr, clock, alice)


async def test_the_list_is_newest_first_with_the_total(timeline: Timeline) -> None:
    mr, alice = timeline.mr, timeline.user
    first = await mr.favorites.list(alice, page=1, size=2)
    second = await mr.favorites.list(alice, page=2, size=2)
    third = await mr.favorites.list(alice, page=3, size=2)
    assert [i.movie_id for i in first.items] == [129, 680]
    assert [i.movie_id for i in second.items] == [13, 550]
    assert [i.movie_id for i in third.items] == [603]
    assert first.total == second.total == third.total == 5
    assert third.next_cursor is None


async def test_cursor_pages_walk_the_whole_list_once(timeline: Timeline) -> None:
    mr, alice = timeline.mr, timeline.user
    seen: list[int] = []
    page = await mr.favorites.list(alice, size=2)
    seen += [i.movie_id for i in page.items]
    while page.next_cursor:
        timeline.clock.advance(1)
        await mr.favorites.add(alice, 604)  # added meanwhile: not repeated, not skipped over
        page = await mr.favorites.list(alice, size=2, cursor=page.next_cursor)
        seen += [i.movie_id for i in page.items]
    assert seen == [129, 680, 13, 550, 603]


async def test_rows_added_in_the_same_instant_still_page_without_repeats(
    make_mr: MakeMovieRec,
) -> None:
    mr = await make_mr(clock=ManualClock(1_700_000_000))
    await stored_movies()
    alice = await stored_principal("alice")
    for movie_id in (603, 550, 13):
        await mr.favorites.add(alice, movie_id)
    page = await mr.favorites.list(alice, size=2)
    rest = await mr.favorites.list(alice, size=2, cursor=page.next_cursor)
    assert [i.movie_id for i in page.items + rest.items] == [13, 550, 603]


async def test_the_list_filters_by_genre(mr: MovieRec, alice: Principal) -> None:
    for movie_id in (603, 550, 13, 680):
        await mr.favorites.add(alice, movie_id)
    drama = await mr.favorites.list(alice, genre_id=18)
    assert sorted(i.movie_id for i in drama.items) == [13, 550]
    assert drama.total == 2
    # 8 is a prefix of 878 and 80: the filter matches whole ids only
    assert (await mr.favorites.list(alice, genre_id=8)).total == 0


async def test_a_user_only_lists_their_own_favorites(mr: MovieRec, alice: Principal) -> None:
    bob = await stored_principal("bob")
    await mr.favorites.add(bob, 603)
    assert (await mr.favorites.list(alice)).total == 0
    assert (await mr.favorites.list(bob)).total == 1


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"size": 0}, "size"),
        ({"size": 101}, "size"),
        ({"page": 0}, "page"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"page": 1, "cursor": "x"}, "cursor"),
        ({"genre_id": -3}, "genre"),
    ],
)
async def test_list_bounds_are_invalid_input(
    mr: MovieRec, alice: Principal, options: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        await mr.favorites.list(alice, **options)  # type: ignore[arg-type]
    assert field in caught.value.details["fields"]


async def test_get_returns_one_favorite_or_not_found(mr: MovieRec, alice: Principal) -> None:
    await mr.favorites.add(alice, 603)
    assert (await mr.favorites.get(alice, 603)).title == "The Matrix"
    with pytest.raises(NotFound):
        await mr.favorites.get(alice, 550)
