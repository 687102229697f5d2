"""The JWT signing secret: from settings, or generated once and kept 0600 in the data folder.

The file is written atomically: the secret goes to a private temporary file, which is
then hard-linked into place (``link`` fails if the name exists, so of several first
starts exactly one secret wins and no process ever reads a half-written file). What is
read back is held to the same rule as ``MOVIEREC_JWT_SECRET``: at least 32 characters;
anything else (an empty or truncated file) is a :class:`ConfigurationError` naming it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

from movierec.config import Settings
from movierec.errors import ConfigurationError

__all__ = ["MIN_SECRET_LENGTH", "check_jwt_secret", "jwt_secret"]

SECRET_FILE = "jwt_secret"  # noqa: S105 - a file name, not a secret
MIN_SECRET_LENGTH = 32


def jwt_secret(settings: Settings) -> str:
    """The configured secret, else the one stored in the data folder (created on first use)."""
    if settings.jwt_secret:
        return settings.jwt_secret
    path = Path(settings.data_dir) / SECRET_FILE
    secret = _read(path)
    if secret is None:
        _create(path)
        secret = _read(path)
    if secret is None or len(secret) < MIN_SECRET_LENGTH:
        raise ConfigurationError(
            f"{path}: the JWT secret must be at least {MIN_SECRET_LENGTH} characters; "
            "delete the file to have a new one generated (every login ends), "
            "or set MOVIEREC_JWT_SECRET"
        )
    return secret


def check_jwt_secret(settings: Settings) -> None:
    """At start-up: refuse a secret file that exists but is unusable (a clear error now,
    rather than a failure at the first login). A missing file is created on first use."""
    if not settings.jwt_secret and (Path(settings.data_dir) / SECRET_FILE).exists():
        jwt_secret(settings)


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"MOVIEREC_DATA_DIR: cannot read {path}: {exc}") from None


def _create(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".jwt_secret.", dir=path.parent)  # mode 0600
        try:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_urlsafe(48))
                handle.flush()
                os.fsync(handle.fileno())
            with contextlib.suppress(FileExistsError):  # another process's secret won
                os.link(temp, path)
        finally:
            os.unlink(temp)
    except OSError as exc:
        raise ConfigurationError(f"MOVIEREC_DATA_DIR: cannot write {path}: {exc}") from None
