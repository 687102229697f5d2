"""Login: one error for unknown names and wrong passwords; repeated failures throttled."""

from __future__ import annotations

import pytest

from movierec import Forbidden, ManualClock, MovieRec, RateLimited, Unauthenticated
from movierec.db.models import AuditEvent
from tests.conftest import MakeMovieRec
from tests.helpers.factories import PASSWORD, registered_user


async def test_login_works_by_username_or_email_in_any_case(mr: MovieRec) -> None:
    await registered_user(mr, "Alice")
    for name in ("Alice", "alice", "ALICE@example.org", " alice "):
        pair = await mr.auth.login(name, PASSWORD)
        assert pair.user.username == "Alice"
        assert pair.token_type == "bearer"
        assert pair.expires_in == 900
        assert pair.refresh_expires_in == 14 * 24 * 3600


async def test_unknown_user_and_wrong_password_give_the_same_error(mr: MovieRec) -> None:
    await registered_user(mr, "alice")
    with pytest.raises(Unauthenticated) as wrong:
        await mr.auth.login("alice", "not the password")
    with pytest.raises(Unauthenticated) as unknown:
        await mr.auth.login("nobody", "not the password")
    assert wrong.value.to_dict() == unknown.value.to_dict()


async def test_a_deactivated_account_cannot_log_in(mr: MovieRec) -> None:
    await registered_user(mr, "root")
    await mr.admin.promote("root")
    admin = await mr.auth.authenticate((await mr.auth.login("root", PASSWORD)).access_token)
    bob = await registered_user(mr, "bob")
    await mr.admin.deactivate(admin, bob.id)
    with pytest.raises(Forbidden, match="deactivated"):
        await mr.auth.login("bob", PASSWORD)


async def test_five_failures_lock_the_account_even_for_the_right_password(
    make_mr: MakeMovieRec,
) -> None:
    clock = ManualClock()
    mr = await make_mr(clock=clock)
    await registered_user(mr, "alice")
    for _ in range(5):
        with pytest.raises(Unauthenticated):
            await mr.auth.login("alice", "wrong password!", ip="10.0.0.1")
    with pytest.raises(RateLimited) as caught:
        await mr.auth.login("alice", PASSWORD, ip="10.0.0.2")
    assert 0 < caught.value.retry_after <= 60
    clock.advance(61)
    assert await mr.auth.login("alice", PASSWORD)


async def test_the_lock_grows_with_further_failures(make_mr: MakeMovieRec) -> None:
    clock = ManualClock()
    mr = await make_mr(clock=clock)
    await registered_user(mr, "alice")
    for _ in range(5):
        with pytest.raises(Unauthenticated):
            await mr.auth.login("alice", "wrong password!")
    clock.advance(61)
    with pytest.raises(Unauthenticated):
        await mr.auth.login("alice", "wrong password!")
    with pytest.raises(RateLimited) as caught:
        await mr.auth.login("alice", PASSWORD)
    assert 60 < caught.value.retry_after <= 120


async def test_unknown_names_are_throttled_like_real_ones(mr: MovieRec) -> None:
    for _ in range(5):
        with pytest.raises(Unauthenticated):
            await mr.auth.login("ghost", "wrong password!")
    with pytest.raises(RateLimited):
        await mr.auth.login("ghost", "wrong password!")


async def test_many_failures_from_one_ip_lock_that_ip_across_names(
    make_mr: MakeMovieRec,
) -> None:
    mr = await make_mr(login_failures_per_ip=8)
    await registered_user(mr, "alice")
    for i in range(8):
        with pytest.raises(Unauthenticated):
            await mr.auth.login(f"user{i}", "wrong password!", ip="203.0.113.9")
    with pytest.raises(RateLimited):
        await mr.auth.login("alice", PASSWORD, ip="203.0.113.9")
    assert await mr.auth.login("alice", PASSWORD, ip="203.0.113.10")


async def test_a_successful_login_resets_the_account_count(mr: MovieRec) -> None:
    await registered_user(mr, "alice")
    for _ in range(2):
        for _ in range(4):
            with pytest.raises(Unauthenticated):
                await mr.auth.login("alice", "wrong password!")
        assert await mr.auth.login("alice", PASSWORD)


async def test_logins_are_audited_without_secrets(mr: MovieRec) -> None:
    await registered_user(mr, "alice")
    with pytest.raises(Unauthenticated):
        await mr.auth.login("alice", "wrong password!", ip="198.51.100.7")
    pair = await mr.auth.login("alice", PASSWORD, ip="198.51.100.7")
    await mr.auth.logout(await mr.auth.authenticate(pair.access_token))
    events = await AuditEvent.all().order_by("id")
    assert [(e.action, e.success) for e in events] == [
        ("register", True),
        ("login", False),
        ("login", True),
        ("logout", True),
    ]
    assert events[1].ip == "198.51.100.7"
    dumped = " ".join(str(e.details) for e in events)
    for secret in (PASSWORD, "wrong password!", pair.access_token, pair.refresh_token):
        assert secret not in dumped


async def test_audit_drops_details_that_look_like_secrets(mr: MovieRec) -> None:
    await mr.audit.record(
        "test", details={"password": "p", "refresh_token": "t", "note": "kept", "n": 3}
    )
    event = await AuditEvent.get(action="test")
    assert event.details == {"note": "kept", "n": 3}
