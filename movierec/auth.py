"""Accounts and sessions: the names callers use, re-exported from :mod:`movierec.accounts`.

``mr.auth`` is an :class:`Auth`, ``mr.profiles`` a :class:`Profiles`, ``mr.admin`` an
:class:`Admin`; see ``docs/security.md`` for the security model.
"""

from movierec.accounts import (
    AccountDeletion,
    AdminUserUpdate,
    LoginInput,
    LogoutInput,
    PasswordChange,
    Preferences,
    PreferencesUpdate,
    ProfileUpdate,
    RefreshInput,
    RegisterInput,
    TokenPair,
    UserPage,
    UserView,
)
from movierec.accounts.admin import Admin
from movierec.accounts.profiles import Profiles
from movierec.accounts.sessions import Auth
from movierec.types import Principal

__all__ = [
    "AccountDeletion",
    "Admin",
    "AdminUserUpdate",
    "Auth",
    "LoginInput",
    "LogoutInput",
    "PasswordChange",
    "Preferences",
    "PreferencesUpdate",
    "Principal",
    "ProfileUpdate",
    "Profiles",
    "RefreshInput",
    "RegisterInput",
    "TokenPair",
    "UserPage",
    "UserView",
]
