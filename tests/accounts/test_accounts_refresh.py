"""Refresh tokens: stored hashed, rotated on every use, reuse revokes the family."""

from __future__ import annotations

import asyncio
import hashlib

import pytest

from movierec import ManualClock, MovieRec, Unauthenticated
from movierec.db.models import AuditEvent, RefreshToken
from tests.conftest import MakeMovieRec
from tests.helpers.factories import PASSWORD, signed_in


async def test_refresh_tokens_are_stored_only_as_sha256(mr: MovieRec) -> None:
    pair = await signed_in(mr)
    rows = await RefreshToken.all()
    assert len(rows) == 1
    assert rows[0].token_hash == hashlib.sha256(pair.refresh_token.encode()).hexdigest()
    assert pair.refresh_token not in {rows[0].token_hash, rows[0].family_id}


async def test_refreshing_rotates_the_token(mr: MovieRec) -> None:
    pair = await signed_in(mr)
    fresh = await mr.auth.refresh(pair.refresh_token)
    assert fresh.refresh_token != pair.refresh_token
    assert fresh.access_token != pair.access_token
    principal = await mr.auth.authenticate(fresh.access_token)
    assert principal.session_id == (await mr.auth.authenticate(pair.access_token)).session_id
    with pytest.raises(Unauthenticated):
        await mr.auth.refresh(pair.refresh_token)
    assert await mr.auth.refresh(fresh.refresh_token)


async def test_reusing_a_rotated_token_revokes_the_whole_family(make_mr: MakeMovieRec) -> None:
    clock = ManualClock()
    mr = await make_mr(clock=clock)
    stolen = await signed_in(mr)
    other_login = await mr.auth.login("alice", PASSWORD)
    legit = await mr.auth.refresh(stolen.refresh_token)
    clock.advance(5)  # past the grace period for racing clients
    with pytest.raises(Unauthenticated, match="reused"):
        await mr.auth.refresh(stolen.refresh_token)
    with pytest.raises(Unauthenticated, match="revoked"):
        await mr.auth.refresh(legit.refresh_token)
    assert await mr.auth.refresh(other_login.refresh_token)  # other logins are untouched
    event = await AuditEvent.get(action="refresh_reuse")
    assert event.target_id == stolen.user.id
    assert not event.success


async def test_a_rotated_token_within_the_grace_period_is_refused_without_revoking(
    make_mr: MakeMovieRec,
) -> None:
    clock = ManualClock()
    mr = await make_mr(clock=clock)
    pair = await signed_in(mr)
    fresh = await mr.auth.refresh(pair.refresh_token)
    with pytest.raises(Unauthenticated, match="already used"):
        await mr.auth.refresh(pair.refresh_token)
    assert await mr.auth.refresh(fresh.refresh_token)


async def test_of_20_concurrent_refreshes_exactly_one_wins(mr: MovieRec) -> None:
    pair = await signed_in(mr)
    results = await asyncio.gather(
        *(mr.auth.refresh(pair.refresh_token) for _ in range(20)), return_exceptions=True
    )
    winners = [r for r in results if not isinstance(r, BaseException)]
    assert len(winners) == 1
    assert all(isinstance(r, Unauthenticated) for r in results if r not in winners)
    assert await mr.auth.refresh(winners[0].refresh_token)  # the winner's session goes on
    assert await RefreshToken.filter(rotated_at__isnull=True).count() == 1


async def test_a_refresh_token_expires_after_14_days(make_mr: MakeMovieRec) -> None:
    clock = ManualClock()
    mr = await make_mr(clock=clock)
    pair = await signed_in(mr)
    clock.advance(14 * 24 * 3600 + 1)
    with pytest.raises(Unauthenticated, match="expired"):
        await mr.auth.refresh(pair.refresh_token)


@pytest.mark.parametrize("token", ["", "nope", "x" * 300, "é"])
async def test_unknown_refresh_tokens_are_unauthenticated(mr: MovieRec, token: str) -> None:
    with pytest.raises(Unauthenticated):
        await mr.auth.refresh(token)


async def test_logout_revokes_the_refresh_family(mr: MovieRec) -> None:
    pair = await signed_in(mr)
    rotated = await mr.auth.refresh(pair.refresh_token)
    await mr.auth.logout(await mr.auth.authenticate(rotated.access_token))
    with pytest.raises(Unauthenticated, match="revoked"):
        await mr.auth.refresh(rotated.refresh_token)


async def test_logout_with_a_refresh_token_of_another_user_leaves_it_alone(mr: MovieRec) -> None:
    alice = await signed_in(mr, "alice")
    bob = await signed_in(mr, "bob")
    await mr.auth.logout(await mr.auth.authenticate(alice.access_token), bob.refresh_token)
    assert await mr.auth.refresh(bob.refresh_token)


async def test_a_refresh_token_alone_can_end_its_login(mr: MovieRec) -> None:
    pair = await signed_in(mr)
    assert await mr.auth.revoke_refresh_token(pair.refresh_token)
    with pytest.raises(Unauthenticated):
        await mr.auth.refresh(pair.refresh_token)
    assert not await mr.auth.revoke_refresh_token("unknown")
