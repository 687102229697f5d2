"""Accounts: registration, passwords, tokens, sessions, profiles and user administration.

The public entry points are the services hung off :class:`~movierec.MovieRec`:
``mr.auth`` (:class:`~movierec.accounts.sessions.Auth`), ``mr.profiles``
(:class:`~movierec.accounts.profiles.Profiles`) and ``mr.admin``
(:class:`~movierec.accounts.admin.Admin`). This package exports the names callers use.
"""

from movierec.accounts.admin import Admin
from movierec.accounts.audit import Audit, AuditEntry, AuditPage
from movierec.accounts.inputs import (
    AccountDeletion,
    AdminUserUpdate,
    LoginInput,
    LogoutInput,
    PasswordChange,
    PreferencesUpdate,
    ProfileUpdate,
    RefreshInput,
    Region,
    RegisterInput,
)
from movierec.accounts.profiles import Profiles
from movierec.accounts.sessions import Auth
from movierec.accounts.types import Preferences, TokenPair, UserPage, UserView
from movierec.types import Principal

__all__ = [
    "AccountDeletion",
    "Admin",
    "AdminUserUpdate",
    "Audit",
    "AuditEntry",
    "AuditPage",
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
    "Region",
    "RegisterInput",
    "TokenPair",
    "UserPage",
    "UserView",
]
