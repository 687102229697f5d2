"""The account rules: what a valid username, email and password is.

Each check raises :class:`~movierec.errors.InvalidInput` naming the field, so the HTTP
API and the CLI can point at what to fix.
"""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

from movierec.accounts.common_passwords import COMMON_PASSWORDS
from movierec.errors import InvalidInput

__all__ = [
    "PASSWORD_MAX",
    "PASSWORD_MIN",
    "check_display_name",
    "check_password",
    "normalize_email",
    "normalize_username",
    "username_key",
]

USERNAME_RE = re.compile(r"[A-Za-z0-9_.-]{3,32}")
PASSWORD_MIN = 10
PASSWORD_MAX = 128


def normalize_username(username: str) -> str:
    """The username as given, checked: 3-32 of letters, digits, ``_``, ``.``, ``-``."""
    if not USERNAME_RE.fullmatch(username):
        raise InvalidInput.field(
            "username", "must be 3-32 characters of letters, digits, '_', '.' or '-'"
        )
    return username


def username_key(username: str) -> str:
    """The case-insensitive uniqueness key of a username."""
    return username.casefold()


def normalize_email(email: str) -> str:
    """The email syntax-checked and normalized (lower-cased; no DNS lookup).

    The whole address is lower-cased so ``Ann@Example.org`` and ``ann@example.org`` are
    one account: mail providers treat local parts case-insensitively in practice.
    """
    try:
        result = validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidInput.field("email", str(exc)) from None
    return result.normalized.lower()


def check_password(password: str, *, username: str, email: str, field: str = "password") -> None:
    """Refuse weak passwords: too short or long, equal to the username/email, or common."""
    if len(password) < PASSWORD_MIN:
        raise InvalidInput.field(field, f"must be at least {PASSWORD_MIN} characters")
    if len(password) > PASSWORD_MAX:
        raise InvalidInput.field(field, f"must be at most {PASSWORD_MAX} characters")
    if "\x00" in password or not password.strip():
        raise InvalidInput.field(field, "must not be blank or contain NUL characters")
    folded = password.casefold()
    if folded in (username.casefold(), email.casefold(), email.split("@", 1)[0].casefold()):
        raise InvalidInput.field(field, "must not be your username or email")
    if folded in COMMON_PASSWORDS:
        raise InvalidInput.field(field, "is too common; choose a less guessable password")


def check_display_name(name: str | None) -> str | None:
    """A display name: printable, at most 64 characters; empty means none."""
    if name is None:
        return None
    cleaned = name.strip()
    if not cleaned:
        return None
    if len(cleaned) > 64 or not cleaned.isprintable():
        raise InvalidInput.field("display_name", "must be at most 64 printable characters")
    return cleaned
