"""Access tokens (JWT) and refresh tokens (opaque random strings, stored hashed).

Access tokens are verified without a database round trip: the signature with the one
configured algorithm (never the token's own ``alg`` header), then ``iss``, ``aud``,
``exp`` and ``iat`` against the injected clock, so tests move time instead of sleeping.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

import jwt

from movierec.clock import Clock
from movierec.config import Settings
from movierec.errors import Unauthenticated

__all__ = ["AccessClaims", "AccessTokens", "hash_refresh_token", "new_refresh_token"]

MAX_TOKEN_LENGTH = 4096
MAX_VERIFIED = 10_000
"""Verified tokens kept per process (oldest dropped first)."""
CLOCK_SKEW = 30  # seconds of tolerated clock difference for iat
_REQUIRED = ["sub", "role", "jti", "iat", "exp", "iss", "aud", "name", "ver"]


@dataclass(frozen=True, slots=True)
class AccessClaims:
    """The verified claims of an access token."""

    user_id: int
    username: str
    role: str
    token_id: str
    session_id: str | None
    version: int
    issued_at: int
    expires_at: int


class AccessTokens:
    """Issue and verify HS256 (or HS384/HS512) access tokens."""

    def __init__(self, settings: Settings, secret: str, clock: Clock) -> None:
        self.algorithm = settings.jwt_algorithm
        self.issuer = settings.jwt_issuer
        self.audience = settings.jwt_audience
        self.ttl = settings.access_token_ttl
        self._secret = secret
        self._clock = clock
        self._verified: dict[str, AccessClaims] = {}

    def issue(
        self, *, user_id: int, username: str, role: str, version: int, session_id: str | None
    ) -> tuple[str, AccessClaims]:
        """A signed token and its claims."""
        now = int(self._clock.now())
        claims = AccessClaims(
            user_id=user_id,
            username=username,
            role=role,
            token_id=uuid.uuid4().hex,
            session_id=session_id,
            version=version,
            issued_at=now,
            expires_at=now + self.ttl,
        )
        payload: dict[str, Any] = {
            "sub": str(user_id),
            "name": username,
            "role": role,
            "jti": claims.token_id,
            "sid": session_id,
            "ver": version,
            "iat": now,
            "exp": claims.expires_at,
            "iss": self.issuer,
            "aud": self.audience,
        }
        token = jwt.encode(payload, self._secret, algorithm=self.algorithm)
        return token, claims

    def verify(self, token: str) -> AccessClaims:
        """The claims of a valid token; :class:`Unauthenticated` for anything else."""
        claims = self._verified.get(token)
        if claims is None:
            claims = self._decode(token)
        now = self._clock.now()
        if claims.expires_at <= now:
            self._verified.pop(token, None)
            raise Unauthenticated("access token expired", details={"reason": "expired"})
        if claims.issued_at > now + CLOCK_SKEW:
            raise Unauthenticated("invalid access token")
        if token not in self._verified:
            # The signature's verdict holds for the token's whole life: keep it (bounded;
            # revocation is the guard's business, checked on every request).
            if len(self._verified) >= MAX_VERIFIED:
                self._verified.pop(next(iter(self._verified)))
            self._verified[token] = claims
        return claims

    def _decode(self, token: str) -> AccessClaims:
        if not token or len(token) > MAX_TOKEN_LENGTH or not token.isascii():
            raise Unauthenticated("invalid access token")
        try:
            payload = jwt.decode(
                token,
                self._secret,
                algorithms=[self.algorithm],
                audience=self.audience,
                issuer=self.issuer,
                options={
                    "require": _REQUIRED,
                    # Time is checked below against the injected clock.
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        except jwt.InvalidTokenError:
            raise Unauthenticated("invalid access token") from None
        return _claims_of(payload)


def _claims_of(payload: dict[str, Any]) -> AccessClaims:
    try:
        sid = payload.get("sid")
        claims = AccessClaims(
            user_id=int(payload["sub"]),
            username=str(payload["name"]),
            role=str(payload["role"]),
            token_id=str(payload["jti"]),
            session_id=None if sid is None else str(sid),
            version=int(payload["ver"]),
            issued_at=int(payload["iat"]),
            expires_at=int(payload["exp"]),
        )
    except (KeyError, TypeError, ValueError):
        raise Unauthenticated("invalid access token") from None
    if claims.role not in ("user", "admin"):
        raise Unauthenticated("invalid access token")
    return claims


def new_refresh_token() -> str:
    """A fresh opaque refresh token (256 random bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def hash_refresh_token(token: str) -> str:
    """What is stored for a refresh token: its SHA-256, hex (the token itself never is)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
