"""The CLI's saved login: a token pair in the config folder, file mode 0600.

:func:`run_authed` is how a command runs as the logged-in user: it loads the saved
tokens, refreshes an expired access token transparently (saving the rotated pair), and
fails with the :class:`~movierec.Unauthenticated` exit code and a hint to run
``movierec login`` when there is no usable login.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import orjson

if TYPE_CHECKING:
    from movierec import MovieRec, Principal, Settings, TokenPair
from movierec_cli.runner import fail, load_settings, run

__all__ = ["SavedLogin", "clear_login", "load_login", "login_path", "run_authed", "save_login"]

T = TypeVar("T")
FILE_NAME = "login.json"
NOT_LOGGED_IN = "not logged in; run `movierec login`"
EXPIRED = "your login has expired or was revoked; run `movierec login`"


@dataclass(frozen=True, slots=True)
class SavedLogin:
    """What is kept between commands (a dataclass: the CLI starts without pydantic)."""

    user_id: int
    username: str
    access_token: str
    refresh_token: str

    @classmethod
    def parse(cls, data: Any) -> SavedLogin | None:
        """From the file's JSON, or ``None`` when it is not a saved login."""
        if not isinstance(data, dict):
            return None
        user_id = data.get("user_id")
        texts = [data.get(name) for name in ("username", "access_token", "refresh_token")]
        if isinstance(user_id, bool) or not isinstance(user_id, int):
            return None
        username, access, refresh = (text if isinstance(text, str) else None for text in texts)
        if username is None or access is None or refresh is None:
            return None
        return cls(user_id, username, access, refresh)

    @classmethod
    def of(cls, pair: TokenPair) -> SavedLogin:
        """From a fresh token pair."""
        return cls(
            user_id=pair.user.id,
            username=pair.user.username,
            access_token=pair.access_token,
            refresh_token=pair.refresh_token,
        )


def login_path(settings: Settings) -> Path:
    """Where the login is saved: ``<config folder>/login.json``."""
    return Path(settings.config_dir) / FILE_NAME


def save_login(settings: Settings, pair: TokenPair) -> Path:
    """Write the pair atomically with mode 0600 (never readable by other users)."""
    path = login_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{FILE_NAME}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(orjson.dumps(asdict(SavedLogin.of(pair))))
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    return path


def load_login(settings: Settings) -> SavedLogin | None:
    """The saved login, or ``None`` (missing or unreadable file)."""
    try:
        raw = login_path(settings).read_bytes()
        return SavedLogin.parse(orjson.loads(raw))
    except (OSError, orjson.JSONDecodeError):
        return None


def clear_login(settings: Settings) -> bool:
    """Forget the saved login; True if there was one."""
    try:
        login_path(settings).unlink()
    except FileNotFoundError:
        return False
    return True


async def current_principal(mr: MovieRec, saved: SavedLogin) -> Principal:
    """The principal of the saved login, refreshing (and re-saving) an expired access token."""
    from movierec import Unauthenticated

    try:
        return await mr.auth.authenticate(saved.access_token)
    except Unauthenticated:
        pass
    try:
        pair = await mr.auth.refresh(saved.refresh_token)
    except Unauthenticated:
        clear_login(mr.settings)
        raise Unauthenticated(EXPIRED) from None
    save_login(mr.settings, pair)
    return await mr.auth.authenticate(pair.access_token)


def run_authed(
    work: Callable[[MovieRec, Principal], Awaitable[T]], settings: Settings | None = None
) -> T:
    """Run ``work(mr, principal)`` as the logged-in user, with the CLI's error mapping."""
    from movierec import Unauthenticated

    resolved = settings or load_settings()
    saved = load_login(resolved)
    if saved is None:
        fail(Unauthenticated(NOT_LOGGED_IN))

    async def authed(mr: MovieRec) -> T:
        principal = await current_principal(mr, saved)
        return await work(mr, principal)

    return run(authed, resolved)
