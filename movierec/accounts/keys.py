"""The JWT signing secret: from settings, or generated once and kept 0600 in the data folder."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from movierec.config import Settings
from movierec.errors import ConfigurationError

__all__ = ["jwt_secret"]

SECRET_FILE = "jwt_secret"  # noqa: S105 - a file name, not a secret


def jwt_secret(settings: Settings) -> str:
    """The configured secret, else the one stored in the data folder (created on first use)."""
    if settings.jwt_secret:
        return settings.jwt_secret
    path = Path(settings.data_dir) / SECRET_FILE
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise ConfigurationError(f"MOVIEREC_DATA_DIR: cannot read {path}: {exc}") from None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_urlsafe(48)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race
        return path.read_text(encoding="ascii").strip()
    except OSError as exc:
        raise ConfigurationError(f"MOVIEREC_DATA_DIR: cannot write {path}: {exc}") from None
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secret)
    return secret
