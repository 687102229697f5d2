"""Password hashing: bcrypt in a worker thread, with a pre-hash for bcrypt's 72-byte limit.

bcrypt only reads the first 72 bytes of its input (and bcrypt >= 4.1 refuses longer
input). A 128-character password can be up to 512 UTF-8 bytes, so every password is
first reduced to ``base64(HMAC-SHA256(key, password))``: 44 ASCII bytes, no NUL bytes,
every input byte counts. The fixed HMAC key (rather than a bare SHA-256) keeps hashes
from being "shucked" with SHA-256 hashes leaked from other sites.

The cost comes from ``Settings.bcrypt_rounds``; :meth:`PasswordHasher.needs_rehash`
tells the login code to upgrade a hash made with a lower cost.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac

import bcrypt

__all__ = ["PasswordHasher"]

_PREHASH_KEY = b"movierec/bcrypt-prehash/v1"


def _prehash(password: str) -> bytes:
    digest = hmac.new(_PREHASH_KEY, password.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest)


def _cost_of(stored: str) -> int | None:
    # "$2b$12$..." -> 12
    parts = stored.split("$")
    if len(parts) < 4 or not parts[2].isdigit():
        return None
    return int(parts[2])


class PasswordHasher:
    """Hash and verify passwords off the event loop."""

    def __init__(self, rounds: int) -> None:
        self.rounds = rounds
        self._dummy: str | None = None

    def _hash_sync(self, password: str) -> str:
        return bcrypt.hashpw(_prehash(password), bcrypt.gensalt(self.rounds)).decode("ascii")

    @staticmethod
    def _verify_sync(password: str, stored: str) -> bool:
        try:
            return bcrypt.checkpw(_prehash(password), stored.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            return False

    async def hash(self, password: str) -> str:
        """The bcrypt hash of ``password`` (computed in a worker thread)."""
        return await asyncio.to_thread(self._hash_sync, password)

    async def verify(self, password: str, stored: str) -> bool:
        """True when ``password`` matches ``stored`` (computed in a worker thread)."""
        return await asyncio.to_thread(self._verify_sync, password, stored)

    async def burn(self, password: str) -> None:
        """Spend the same time as a real check, for logins naming no account."""
        if self._dummy is None:
            self._dummy = await self.hash("movierec-dummy-password-for-timing")
        await self.verify(password, self._dummy)

    def needs_rehash(self, stored: str) -> bool:
        """True when ``stored`` was made with a lower cost than configured now."""
        cost = _cost_of(stored)
        return cost is None or cost < self.rounds
