"""Accounts: registration, passwords, tokens, sessions, profiles and user administration.

The public entry points are the services hung off :class:`~movierec.MovieRec`:
``mr.auth`` (:class:`~movierec.accounts.sessions.Auth`), ``mr.profiles``
(:class:`~movierec.accounts.profiles.Profiles`) and ``mr.admin``
(:class:`~movierec.accounts.admin.Admin`). ``movierec.auth`` re-exports the names callers use.
"""

from movierec.accounts.inputs import (
    AccountDeletion,
    AdminUserUpdate,
    LoginInput,
    LogoutInput,
    PasswordChange,
    PreferencesUpdate,
    ProfileUpdate,
    RefreshInput,
    RegisterInput,
)
from movierec.accounts.views import Preferences, TokenPair, UserPage, UserView

__all__ = [
    "AccountDeletion",
    "AdminUserUpdate",
    "LoginInput",
    "LogoutInput",
    "PasswordChange",
    "Preferences",
    "PreferencesUpdate",
    "ProfileUpdate",
    "RefreshInput",
    "RegisterInput",
    "TokenPair",
    "UserPage",
    "UserView",
]
