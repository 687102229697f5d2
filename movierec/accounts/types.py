"""Typed account values returned to callers (never carrying a password hash)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from movierec.types import Page

__all__ = ["Preferences", "TokenPair", "UserPage", "UserView"]

Role = Literal["user", "admin"]


class Preferences(BaseModel):
    """What a user told us about their taste and locale."""

    model_config = ConfigDict(frozen=True)

    genres: tuple[int, ...] = Field((), description="favourite TMDb genre ids")
    language: str | None = Field(None, description="e.g. en-US")
    region: str | None = Field(None, description="ISO 3166-1 country code, e.g. US")

    @classmethod
    def from_stored(cls, raw: Any) -> Preferences:
        """Read the JSON column leniently (unknown keys ignored, bad values dropped)."""
        data = raw if isinstance(raw, dict) else {}
        try:
            return cls(
                genres=tuple(int(g) for g in data.get("genres") or ()),
                language=data.get("language"),
                region=data.get("region"),
            )
        except (TypeError, ValueError):
            return cls()


class UserView(BaseModel):
    """An account as its owner or an admin sees it."""

    model_config = ConfigDict(frozen=True)

    id: int
    username: str
    email: str
    display_name: str | None = None
    role: Role = "user"
    is_active: bool = True
    preferences: Preferences = Field(default_factory=Preferences)
    created_at: datetime

    @classmethod
    def of(cls, user: Any) -> UserView:
        """Build from a ``movierec.db.models.User`` row."""
        return cls(
            id=user.id,
            username=user.username,
            email=user.email,
            display_name=user.display_name,
            role=user.role,
            is_active=user.is_active,
            preferences=Preferences.from_stored(user.preferences),
            created_at=user.created_at,
        )


class TokenPair(BaseModel):
    """What a login or refresh hands out: a short-lived JWT and an opaque refresh token."""

    model_config = ConfigDict(frozen=True)

    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth token type
    expires_in: int = Field(description="seconds until the access token expires")
    refresh_expires_in: int = Field(description="seconds until the refresh token expires")
    user: UserView


class UserPage(Page[UserView]):
    """One page of a user listing, by id."""
