"""Shared helpers for the account and API-security tests."""

from __future__ import annotations

from typing import Any

import httpx
from sanic import Sanic
from sanic_testing.testing import SanicASGITestClient

from movierec import MovieRec
from movierec.accounts import TokenPair, UserView
from movierec.types import Principal

PASSWORD = "correct horse battery staple"


async def register(mr: MovieRec, username: str = "alice", password: str = PASSWORD) -> UserView:
    """Register ``username`` with an email derived from it."""
    return await mr.auth.register(username, f"{username}@example.org", password)


async def login(mr: MovieRec, username: str = "alice", password: str = PASSWORD) -> TokenPair:
    """Register (if needed) and log in."""
    if await mr.auth.find_user(username) is None:
        await register(mr, username, password)
    return await mr.auth.login(username, password)


async def make_admin(mr: MovieRec, username: str = "root") -> tuple[TokenPair, Principal]:
    """An admin account, logged in."""
    await register(mr, username)
    await mr.admin.promote(username)
    pair = await mr.auth.login(username, PASSWORD)
    return pair, await mr.auth.authenticate(pair.access_token)


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for ``token``."""
    return {"Authorization": f"Bearer {token}"}


def client_from(app: Sanic[Any, Any], ip: str) -> SanicASGITestClient:
    """An ASGI test client whose requests come from the TCP peer ``ip``."""
    client = SanicASGITestClient(app)
    client._transport = httpx.ASGITransport(app=app, client=(ip, 40000))
    return client
