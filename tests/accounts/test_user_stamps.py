"""User stamps: every change renews the user's stamp; a Redis that fails is never trusted.

The cross-worker guarantees built on them (a logout or a favorite change seen by another
worker at its next request) are in tests/frontends/test_request_path.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from movierec import MovieRec
from movierec.accounts import PreferencesUpdate, ProfileUpdate
from movierec.accounts.stamps import UserStamps
from movierec.cache.redis import RedisCache
from tests.conftest import MakeMovieRec
from tests.helpers.factories import signed_in
from tests.helpers.movielens_catalog import write_movielens


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
