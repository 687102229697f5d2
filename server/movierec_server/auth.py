"""Bearer authentication for handlers: ``@require_user`` and ``@require_admin``.

Put the decorator closest to the handler (below the route and ``openapi`` decorators)::

    @bp.get("/me")
    @openapi.summary("Your profile")
    @require_user
    async def me(request: Request) -> HTTPResponse:
        principal = request.ctx.principal

A missing, malformed, expired, revoked or deactivated token answers ``401`` with
``WWW-Authenticate: Bearer``; a valid user token on an admin route answers ``403``.
The token is verified once per request (the rate limiter may already have done it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any, TypeVar

from sanic import Request, Sanic
from sanic.response import HTTPResponse
from sanic_ext import openapi

from movierec import Forbidden, MovieRecError, Principal, Unauthenticated
from movierec_server.context import movierec

__all__ = [
    "SCHEME",
    "install",
    "likely_user",
    "principal_of",
    "require_admin",
    "require_user",
    "try_principal",
]

SCHEME = "bearerAuth"
Handler = TypeVar("Handler", bound=Callable[..., Awaitable[HTTPResponse]])


def _bearer(request: Request) -> str:
    header: str | None = request.headers.get("authorization")
    if not header:
        raise Unauthenticated("missing bearer token (Authorization: Bearer <token>)")
    if not header.isascii():  # undecodable bytes arrive as surrogates: never a token
        raise Unauthenticated("malformed Authorization header; expected 'Bearer <token>'")
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token:
        raise Unauthenticated("malformed Authorization header; expected 'Bearer <token>'")
    return token


async def principal_of(request: Request) -> Principal:
    """The verified caller; raises :class:`Unauthenticated` (memoised per request).

    Also sets ``request.ctx.user_stamp``: the caller's stamp read for this check, which
    the routes pass to the library's stamped readers.
    """
    outcome = getattr(request.ctx, "auth_outcome", None)
    if outcome is None:
        read: str | None = getattr(request.ctx, "read_stamp", None)  # by the rate limit
        request.ctx.user_stamp = None
        try:
            outcome, request.ctx.user_stamp = await movierec(request).auth.authenticate_stamped(
                _bearer(request), read
            )
        except MovieRecError as exc:
            outcome = exc
        request.ctx.auth_outcome = outcome
    if isinstance(outcome, MovieRecError):
        raise outcome
    assert isinstance(outcome, Principal)
    return outcome


def likely_user(request: Request) -> int | None:
    """The user the bearer token names, if this worker last found it good (no I/O; a
    guess for the rate limit's key, never a verdict: ``mr.auth.likely_user``)."""
    if "authorization" not in request.headers:
        return None
    try:
        token = _bearer(request)
    except MovieRecError:
        return None
    return movierec(request).auth.likely_user(token)


async def try_principal(request: Request) -> Principal | None:
    """The verified caller, or ``None`` when there is no valid bearer token."""
    if "authorization" not in request.headers:
        return None
    try:
        return await principal_of(request)
    except MovieRecError:
        return None


def _guard(handler: Handler, *, admin: bool) -> Handler:
    @wraps(handler)
    async def guarded(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
        principal = await principal_of(request)
        if admin and not principal.is_admin:
            raise Forbidden("admins only")
        request.ctx.principal = principal
        return await handler(request, *args, **kwargs)

    openapi.secured(SCHEME)(guarded)
    openapi.response(401, description="missing or invalid bearer token")(guarded)
    if admin:
        openapi.response(403, description="not an admin")(guarded)
    return guarded  # type: ignore[return-value]


def require_user(handler: Handler) -> Handler:
    """Let only requests with a valid access token through; sets ``request.ctx.principal``."""
    return _guard(handler, admin=False)


def require_admin(handler: Handler) -> Handler:
    """Like :func:`require_user`, and the caller must have the ``admin`` role."""
    return _guard(handler, admin=True)


def install(app: Sanic[Any, Any]) -> None:
    """Register the ``bearerAuth`` security scheme in the OpenAPI document (once)."""
    app.ext.openapi.add_security_scheme(
        SCHEME,
        "http",
        scheme="bearer",
        bearer_format="JWT",
        description="Access token from POST /auth/login or /auth/refresh",
    )
