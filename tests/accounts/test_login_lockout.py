"""The login allowance is per account, however it is named, and no burst gets past it."""

from __future__ import annotations

import asyncio

import pytest

from movierec import MovieRec, RateLimited, Unauthenticated
from movierec.db.models import AuditEvent
from tests.helpers.factories import PASSWORD, registered_user

SPELLINGS = [" carol", "carol\t", "\u00a0carol", "carol@example.org", "CAROL", "Carol "]


async def test_every_spelling_of_an_account_shares_one_allowance(mr: MovieRec) -> None:
    await registered_user(mr, "carol")
    for name in SPELLINGS[:5]:
        with pytest.raises(Unauthenticated):
            await mr.auth.login(name, "wrong password!")
    for name in SPELLINGS:
        with pytest.raises(RateLimited):
            await mr.auth.login(name, PASSWORD)


async def test_a_concurrent_burst_gets_no_more_checks_than_the_allowance(mr: MovieRec) -> None:
    await registered_user(mr, "carol")
    attempts = [mr.auth.login("carol", "wrong password!") for _ in range(60)]
    results = await asyncio.gather(*attempts, return_exceptions=True)
    checked = [r for r in results if not isinstance(r, RateLimited)]
    assert len(checked) == mr.settings.login_failures_per_account
    assert all(isinstance(r, RateLimited | Unauthenticated) for r in results)
    failures = await AuditEvent.filter(action="login", success=False).count()
    assert failures == len([r for r in checked if isinstance(r, Unauthenticated)])
    with pytest.raises(RateLimited):  # and the account is locked now
        await mr.auth.login("carol", PASSWORD)


async def test_clearing_the_cache_does_not_lift_a_lockout(mr: MovieRec) -> None:
    await registered_user(mr, "carol")
    for _ in range(5):
        with pytest.raises(Unauthenticated):
            await mr.auth.login("carol", "wrong password!")
    await mr.cache.clear()
    with pytest.raises(RateLimited):
        await mr.auth.login("carol", PASSWORD)


async def test_unknown_names_are_audited_as_a_placeholder_never_as_typed(mr: MovieRec) -> None:
    await registered_user(mr, "carol")
    typed = "my secret password typed in the wrong field"
    with pytest.raises(Unauthenticated):
        await mr.auth.login(typed, "carol's password")
    with pytest.raises(Unauthenticated):
        await mr.auth.login(" CAROL\t", "wrong password!")
    events = await AuditEvent.filter(action="login", success=False).order_by("id")
    assert [e.details["identifier"] for e in events] == ["(no such account)", "carol"]
    assert all(typed not in str(e.details) for e in await AuditEvent.all())


async def test_concurrent_logins_with_the_right_password_all_succeed(mr: MovieRec) -> None:
    await registered_user(mr, "carol")
    pairs = await asyncio.gather(*(mr.auth.login("carol", PASSWORD) for _ in range(12)))
    assert len({p.refresh_token for p in pairs}) == 12
