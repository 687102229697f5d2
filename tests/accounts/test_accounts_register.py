"""Registration rules: usernames, emails, passwords, uniqueness."""

from __future__ import annotations

import asyncio

import pytest

from movierec import Conflict, InvalidInput, MovieRec
from movierec.db.models import User
from tests.helpers.factories import PASSWORD, registered_user


async def test_registering_returns_the_account_without_any_password(mr: MovieRec) -> None:
    user = await mr.auth.register("Alice_1.x-y", "Alice@Example.ORG", PASSWORD)
    assert user.username == "Alice_1.x-y"
    assert user.email == "alice@example.org"
    assert user.role == "user"
    assert user.is_active
    assert "password" not in user.model_dump_json()
    row = await User.get(id=user.id)
    assert row.password_hash.startswith("$2b$04$")
    assert PASSWORD not in row.password_hash


@pytest.mark.parametrize(
    "username", ["ab", "x" * 33, "has space", "émile", "semi;colon", "", "tab\tname"]
)
async def test_a_bad_username_is_refused_naming_the_field(mr: MovieRec, username: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        await mr.auth.register(username, "u@example.org", PASSWORD)
    assert caught.value.details == {"fields": {"username": caught.value.message.split(": ", 1)[1]}}


async def test_usernames_of_3_and_32_characters_are_accepted(mr: MovieRec) -> None:
    await mr.auth.register("abc", "abc@example.org", PASSWORD)
    await mr.auth.register("y" * 32, "y@example.org", PASSWORD)


async def test_usernames_are_unique_ignoring_case(mr: MovieRec) -> None:
    await registered_user(mr, "alice")
    with pytest.raises(Conflict) as caught:
        await mr.auth.register("ALICE", "other@example.org", PASSWORD)
    assert caught.value.details == {"fields": {"username": "already taken"}}


@pytest.mark.parametrize("email", ["not-an-email", "a@", "@b.org", "a b@c.org", "a@b..org"])
async def test_a_bad_email_is_refused_naming_the_field(mr: MovieRec, email: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        await mr.auth.register("alice", email, PASSWORD)
    assert "email" in caught.value.details["fields"]


async def test_emails_are_normalized_and_unique(mr: MovieRec) -> None:
    await mr.auth.register("alice", "alice@example.org", PASSWORD)
    with pytest.raises(Conflict) as caught:
        await mr.auth.register("bob", "ALICE@EXAMPLE.ORG", PASSWORD)
    assert caught.value.details == {"fields": {"email": "already registered"}}


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "at least 10"),
        ("x" * 129, "at most 128"),
        ("alice_user", "username or email"),
        ("ALICE_USER", "username or email"),
        ("alice@example.org", "username or email"),
        ("Password123", "too common"),
        ("qwertyuiop", "too common"),
    ],
)
async def test_a_weak_password_is_refused_naming_the_field(
    mr: MovieRec, password: str, problem: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        await mr.auth.register("alice_user", "alice@example.org", password)
    assert problem in caught.value.details["fields"]["password"]


async def test_passwords_of_10_and_128_characters_are_accepted(mr: MovieRec) -> None:
    await mr.auth.register("ten", "ten@example.org", "k7#pq9!zx2")
    await mr.auth.register("long", "long@example.org", "Z" * 127 + "!")


async def test_concurrent_registrations_of_one_username_leave_one_account(mr: MovieRec) -> None:
    results = await asyncio.gather(
        *(
            mr.auth.register(f"Race{'R' if i % 2 else 'r'}", f"r{i}@example.org", PASSWORD)
            for i in range(10)
        ),
        return_exceptions=True,
    )
    winners = [r for r in results if not isinstance(r, BaseException)]
    losers = [r for r in results if isinstance(r, BaseException)]
    assert len(winners) == 1
    assert all(isinstance(r, Conflict) for r in losers), losers
    assert await User.filter(username_key="racer").count() == 1
