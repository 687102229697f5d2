"""Password hashing: bcrypt off the event loop, the 72-byte limit, rehash, timing."""

from __future__ import annotations

import asyncio
import statistics
import time
from pathlib import Path

import pytest

from movierec import MovieRec, Settings, Unauthenticated
from movierec.accounts.passwords import PasswordHasher
from movierec.db.models import User
from tests.conftest import MakeMovieRec
from tests.helpers.factories import PASSWORD, registered_user


async def test_passwords_longer_than_72_bytes_differ_after_byte_72() -> None:
    hasher = PasswordHasher(4)
    first = "é" * 40 + "A"  # 81 UTF-8 bytes: bcrypt alone would only see the first 72
    second = "é" * 40 + "B"
    stored = await hasher.hash(first)
    assert await hasher.verify(first, stored)
    assert not await hasher.verify(second, stored)


async def test_a_corrupt_stored_hash_never_verifies() -> None:
    assert not await PasswordHasher(4).verify(PASSWORD, "not-a-bcrypt-hash")


async def test_login_rehashes_when_the_cost_setting_rose(
    make_mr: MakeMovieRec, settings: Settings, tmp_path: Path
) -> None:
    url = settings.database_url
    if settings.database_kind == "sqlite":  # two instances must share one database
        url = f"sqlite://{tmp_path / 'shared.sqlite3'}"
    old = await make_mr(database_url=url)
    user = await registered_user(old, "alice")
    assert (await User.get(id=user.id)).password_hash.startswith("$2b$04$")
    newer = await make_mr(database_url=url, bcrypt_rounds=5)
    await newer.auth.login("alice", PASSWORD)
    assert (await User.get(id=user.id)).password_hash.startswith("$2b$05$")
    await newer.auth.login("alice", PASSWORD)  # the new hash verifies


async def _failed_login_seconds(mr: MovieRec, name: str) -> float:
    start = time.perf_counter()
    with pytest.raises(Unauthenticated) as caught:
        await mr.auth.login(name, "wrong password here")
    elapsed = time.perf_counter() - start
    assert caught.value.message == "invalid username or password"
    return elapsed


async def test_unknown_user_login_costs_about_what_a_wrong_password_costs(
    make_mr: MakeMovieRec,
) -> None:
    mr = await make_mr(
        bcrypt_rounds=9, login_failures_per_account=10_000, login_failures_per_ip=10_000
    )
    await registered_user(mr, "alice")
    await _failed_login_seconds(mr, "nobody")  # warm-up (the dummy hash is made once)
    known: list[float] = []
    unknown: list[float] = []
    for _ in range(9):  # interleaved, so a busy machine slows both series alike
        known.append(await _failed_login_seconds(mr, "alice"))
        unknown.append(await _failed_login_seconds(mr, "nobody"))
    ratio = statistics.median(unknown) / statistics.median(known)
    # Without the dummy check an unknown name answers 10-100 times faster.
    assert 0.5 < ratio < 2.0, (known, unknown)


async def test_the_event_loop_keeps_running_while_20_logins_hash(make_mr: MakeMovieRec) -> None:
    mr = await make_mr(bcrypt_rounds=10)
    await registered_user(mr, "alice")
    single = time.perf_counter()
    await mr.auth.login("alice", PASSWORD)
    single = time.perf_counter() - single
    lags: list[float] = []
    stop = asyncio.Event()

    async def probe() -> None:
        while not stop.is_set():
            start = time.perf_counter()
            await asyncio.sleep(0.002)
            lags.append(time.perf_counter() - start - 0.002)

    task = asyncio.create_task(probe())
    await asyncio.gather(*(mr.auth.login("alice", PASSWORD) for _ in range(20)))
    stop.set()
    await task
    # A bcrypt check on the loop would stall the probe for a whole hash each time: at most
    # a few ticks in all, and a median lag near a hash's duration. Threads keep it ticking.
    # (The median, not the max, so a busy machine's scheduling hiccups do not decide.)
    assert len(lags) > 60, (len(lags), max(lags), single)
    assert statistics.median(lags) < single / 4, (statistics.median(lags), max(lags), single)
