"""Talking to a served app as a client: accounts and tokens over HTTP."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class Account:
    """A registered user and a bearer token for them."""

    username: str
    password: str
    access_token: str
    refresh_token: str | None

    @property
    def headers(self) -> dict[str, str]:
        """The Authorization header."""
        return {"Authorization": f"Bearer {self.access_token}"}


def register(base_url: str, username: str | None = None) -> Account:
    """Register and log in a user through the HTTP API."""
    username = username or f"u{uuid.uuid4().hex[:10]}"
    password = "Correct-Horse-" + uuid.uuid4().hex[:12]
    with httpx.Client(base_url=base_url, timeout=30) as client:
        body = {"username": username, "email": f"{username}@example.com", "password": password}
        created = client.post("/auth/register", json=body)
        assert created.status_code in (200, 201), created.text
        login = client.post("/auth/login", json={"username": username, "password": password})
        assert login.status_code == 200, login.text
        tokens = login.json()
    return Account(username, password, tokens["access_token"], tokens.get("refresh_token"))


def has_route(base_url: str, path: str) -> bool:
    """Whether the served spec documents ``path`` (areas land one by one)."""
    spec = httpx.get(base_url + "/openapi.json", timeout=10).json()
    return path in spec.get("paths", {})
