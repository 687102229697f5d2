"""Rows for operations tests, written straight through the models (no auth flow needed)."""

from __future__ import annotations

from movierec.db.models import User


async def make_user(username: str, *, role: str = "user", active: bool = True) -> User:
    """A user row with an unusable password hash."""
    return await User.create(
        username=username,
        username_key=username.lower(),
        email=f"{username.lower()}@example.test",
        password_hash="!",
        role=role,
        is_active=active,
    )
