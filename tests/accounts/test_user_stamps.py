"""User stamps: every change renews the user's stamp; a Redis that fails is never trusted.

The cross-worker guarantees built on them (a logout or a favorite change seen by another
worker at its next request) are in tests/frontends/test_request_path.py.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from movierec import MovieRec
from movierec.accounts import PreferencesUpdate, ProfileUpdate
from movierec.accounts.stamps import UserStamps
from movierec.cache.redis import RedisCache
from tests.conftest import MakeMovieRec
from tests.helpers.factories import signed_in
from tests.helpers.movielens_catalog import write_movielens
from tests.helpers.redis_monitor import redis_commands


async def test_a_redis_that_does_not_answer_gives_no_stamp_to_trust() -> None:
    stamps = UserStamps(RedisCache("redis://127.0.0.1:9/0", timeout=0.5), retry_after=60)
    assert await stamps.read(1) is None
    assert stamps.epoch == 1  # copies tagged before the failure are not used again
    assert await stamps.read(1) is None  # left alone for retry_after: no second attempt
    assert stamps.epoch == 1
    await stamps.touch(1)  # a change is still announced (and its failure counted)
    assert stamps.epoch == 2


async def test_without_redis_there_are_no_stamps(make_mr: MakeMovieRec) -> None:
    mr = await make_mr(redis_url=None)
    assert not mr.stamps.enabled
    assert await mr.stamps.read(1) is None


@pytest.mark.services_only
async def test_every_change_to_the_user_renews_the_stamp(
    make_mr: MakeMovieRec, tmp_path: Path
) -> None:
    mr: MovieRec = await make_mr()
    await mr.catalog.import_movielens(write_movielens(tmp_path / "ml-tiny"))
    pair = await signed_in(mr)
    user = pair.user.id
    principal = await mr.auth.authenticate(pair.access_token)
    seen = [await mr.stamps.read(user)]
    assert seen[0] is not None
    assert await mr.stamps.read(user) == seen[0]  # reading changes nothing
    await mr.favorites.add(principal, 603)
    seen.append(await mr.stamps.read(user))
    await mr.favorites.remove(principal, 603)
    seen.append(await mr.stamps.read(user))
    preferences = PreferencesUpdate(genres=[18])
    await mr.profiles.update(principal, ProfileUpdate(preferences=preferences))
    seen.append(await mr.stamps.read(user))
    await mr.auth.logout(principal)
    seen.append(await mr.stamps.read(user))
    assert len(set(seen)) == len(seen), seen


@pytest.mark.services_only
async def test_session_checks_started_together_share_one_stamp_read(
    make_mr: MakeMovieRec,
) -> None:
    mr = await make_mr()
    assert mr.settings.redis_url
    pair = await signed_in(mr)
    await mr.auth.authenticate_stamped(pair.access_token)  # the session's copy is kept
    async with redis_commands(mr.settings.redis_url, mr.settings.cache_prefix) as seen:
        checks = await asyncio.gather(
            *(mr.auth.authenticate_stamped(pair.access_token) for _ in range(8))
        )
    assert {principal.user_id for principal, _ in checks} == {pair.user.id}
    assert len({stamp for _, stamp in checks}) == 1
    assert len(seen) == 1, seen  # one GET for the eight checks of this loop turn
    assert seen[0].split()[0].strip('"').upper() == "GET"
    assert f"stamp:{pair.user.id}" in seen[0]


@pytest.mark.services_only
async def test_a_stamp_read_asked_after_a_change_sees_it_while_an_older_read_is_out(
    make_mr: MakeMovieRec,
) -> None:
    worker_a, worker_b = await make_mr(), await make_mr()
    user = (await signed_in(worker_a)).user.id
    before = await worker_b.stamps.read(user)
    older = asyncio.create_task(worker_b.stamps.read(user))
    for _ in range(3):  # the read is asked for, then its batch's GET goes out
        await asyncio.sleep(0)
    await worker_a.stamps.touch(user)  # a change, committed and announced
    after = await worker_b.stamps.read(user)  # asked for once the touch completed
    await older
    assert before is not None
    assert after is not None
    assert after != before
