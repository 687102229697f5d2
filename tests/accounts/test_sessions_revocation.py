"""Ending a session holds: no rotation racing a revocation leaves a live child, and a
logout or reuse detection ends every access token of that login."""

from __future__ import annotations

import asyncio

import pytest

from movierec import ManualClock, MovieRec, Unauthenticated
from movierec.accounts import TokenPair
from tests.conftest import MakeMovieRec
from tests.helpers.factories import PASSWORD, registered_user, signed_in

TRIALS = 50
OTHER_PASSWORD = "another horse battery staple"


async def _after_ticks(ticks: int, work: asyncio.Future[object] | object) -> object:
    """Start ``work`` after ``ticks`` turns of the event loop (spreads the interleavings)."""
    for _ in range(ticks):
        await asyncio.sleep(0)
    return await work  # type: ignore[misc]


async def _after_ms(ms: float, work: asyncio.Future[object] | object) -> object:
    await asyncio.sleep(ms / 1000)
    return await work  # type: ignore[misc]


async def _assert_dead(mr: MovieRec, pair: TokenPair) -> None:
    with pytest.raises(Unauthenticated):
        await mr.auth.refresh(pair.refresh_token)
    with pytest.raises(Unauthenticated):
        await mr.auth.authenticate(pair.access_token)


async def test_a_logout_racing_a_refresh_never_leaves_a_live_session(mr: MovieRec) -> None:
    await registered_user(mr)
    for trial in range(TRIALS):
        pair = await mr.auth.login("alice", PASSWORD)
        principal = await mr.auth.authenticate(pair.access_token)
        # From "logout first" through every interleaving to "refresh done first".
        logout = (
            _after_ticks(trial % 7, mr.auth.logout(principal))
            if trial % 2
            else _after_ms(trial % 10, mr.auth.logout(principal))
        )
        refreshed, _ = await asyncio.gather(
            _after_ticks(trial % 3, mr.auth.refresh(pair.refresh_token)),
            logout,
            return_exceptions=True,
        )
        if isinstance(refreshed, TokenPair):
            await _assert_dead(mr, refreshed)
        else:
            assert isinstance(refreshed, Unauthenticated)
        await _assert_dead(mr, pair)


async def test_a_password_change_racing_a_refresh_never_leaves_a_live_session(
    mr: MovieRec,
) -> None:
    await registered_user(mr)
    passwords = [PASSWORD, OTHER_PASSWORD]
    for trial in range(TRIALS):
        current, new = passwords[trial % 2], passwords[(trial + 1) % 2]
        pair = await mr.auth.login("alice", current)
        principal = await mr.auth.authenticate(pair.access_token)
        refreshed, changed = await asyncio.gather(
            _after_ticks(trial % 3, mr.auth.refresh(pair.refresh_token)),
            _after_ticks(trial % 4, mr.profiles.change_password(principal, current, new)),
            return_exceptions=True,
        )
        assert isinstance(changed, TokenPair), changed
        if isinstance(refreshed, TokenPair):
            await _assert_dead(mr, refreshed)
        await _assert_dead(mr, pair)
        assert await mr.auth.authenticate(changed.access_token)  # the caller's new session
        await mr.auth.logout(await mr.auth.authenticate(changed.access_token))


async def test_logout_ends_every_access_token_of_the_session(mr: MovieRec) -> None:
    pair = await signed_in(mr)
    rotated = await mr.auth.refresh(pair.refresh_token)
    other = await mr.auth.login("alice", PASSWORD)
    assert await mr.auth.authenticate(pair.access_token)  # an older token of this login
    await mr.auth.logout(await mr.auth.authenticate(rotated.access_token))
    for token in (pair.access_token, rotated.access_token):
        with pytest.raises(Unauthenticated, match="revoked"):
            await mr.auth.authenticate(token)
    assert await mr.auth.authenticate(other.access_token)  # other logins go on


async def test_reuse_detection_ends_the_sessions_access_tokens_at_once(
    make_mr: MakeMovieRec,
) -> None:
    clock = ManualClock()
    mr = await make_mr(clock=clock)
    stolen = await signed_in(mr)
    legit = await mr.auth.refresh(stolen.refresh_token)
    clock.advance(5)  # past the grace period
    with pytest.raises(Unauthenticated, match="reused"):
        await mr.auth.refresh(stolen.refresh_token)
    for token in (stolen.access_token, legit.access_token):
        with pytest.raises(Unauthenticated, match="revoked"):
            await mr.auth.authenticate(token)


@pytest.mark.services_only  # two processes share no in-memory SQLite database
async def test_another_process_sees_a_logout_within_the_check_interval(
    make_mr: MakeMovieRec,
) -> None:
    clock = ManualClock()
    worker_a = await make_mr(clock=clock)
    worker_b = await make_mr(clock=clock)
    pair = await signed_in(worker_a)
    assert await worker_b.auth.authenticate(pair.access_token)  # b now holds a copy
    await worker_a.auth.logout(await worker_a.auth.authenticate(pair.access_token))
    with pytest.raises(Unauthenticated):
        await worker_a.auth.authenticate(pair.access_token)  # at once where it happened
    clock.advance(worker_b.settings.revocation_check_interval + 0.01)
    with pytest.raises(Unauthenticated, match="revoked"):
        await worker_b.auth.authenticate(pair.access_token)
