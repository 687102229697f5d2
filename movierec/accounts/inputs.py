"""Request shapes for account operations, shared by the HTTP server (body validation).

Every model forbids unknown fields and bounds each string, so an oversized or
unexpected field is refused before any work is done. The account rules themselves
(username charset, password strength, ...) live in :mod:`movierec.accounts.rules`, so
the CLI and the library get exactly the same checks.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from movierec.types import GenreId

__all__ = [
    "AccountDeletion",
    "AdminUserUpdate",
    "LoginInput",
    "LogoutInput",
    "PasswordChange",
    "PreferencesUpdate",
    "ProfileUpdate",
    "RefreshInput",
    "Region",
    "RegisterInput",
]


def _upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


Region = Annotated[str, BeforeValidator(_upper), Field(pattern=r"^[A-Z]{2}$")]
"""An ISO 3166-1 country code; ``" us "`` is ``"US"`` (one rule for both frontends)."""

_STRICT = ConfigDict(extra="forbid", str_strip_whitespace=False, frozen=True)
Secret = Field(min_length=1, max_length=1024)


class RegisterInput(BaseModel):
    """``POST /auth/register``."""

    model_config = _STRICT

    username: str = Field(min_length=1, max_length=64)
    email: str = Field(min_length=1, max_length=320)
    password: str = Secret


class LoginInput(BaseModel):
    """``POST /auth/login``: ``username`` may be the username or the email."""

    model_config = _STRICT

    username: str = Field(min_length=1, max_length=320)
    password: str = Secret


class RefreshInput(BaseModel):
    """``POST /auth/refresh``."""

    model_config = _STRICT

    refresh_token: str = Field(min_length=1, max_length=256)


class LogoutInput(BaseModel):
    """``POST /auth/logout``: the refresh token is optional (the access token names the session)."""

    model_config = _STRICT

    refresh_token: str | None = Field(None, min_length=1, max_length=256)


class PreferencesUpdate(BaseModel):
    """Preference fields to change; omitted fields stay as they are."""

    model_config = _STRICT

    genres: list[GenreId] | None = Field(None, max_length=30)
    language: str | None = Field(None, pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    region: Region | None = None


class ProfileUpdate(BaseModel):
    """``PATCH /me``: fields to change; omitted fields stay as they are."""

    model_config = _STRICT

    email: str | None = Field(None, min_length=1, max_length=320)
    display_name: str | None = Field(None, max_length=64)
    preferences: PreferencesUpdate | None = None


class PasswordChange(BaseModel):
    """``POST /me/password``."""

    model_config = _STRICT

    current_password: str = Secret
    new_password: str = Secret


class AccountDeletion(BaseModel):
    """``DELETE /me``: the password confirms the deletion."""

    model_config = _STRICT

    password: str = Secret


class AdminUserUpdate(BaseModel):
    """``PATCH /admin/users/{id}``: role and/or active flag."""

    model_config = _STRICT

    role: Literal["user", "admin"] | None = None
    is_active: bool | None = None
