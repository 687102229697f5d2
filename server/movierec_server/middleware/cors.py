"""CORS for the configured origins only (``Settings.cors_origins``; ``*`` allows any).

Preflight requests (``OPTIONS`` with ``Access-Control-Request-Method``) are answered
here, before routing matters: ``204`` with the allowed methods and headers for a
listed origin, ``403`` otherwise. Actual responses to a listed origin carry
``Access-Control-Allow-Origin`` and expose the rate-limit headers. Credentials
(cookies) are never allowed: the API authenticates with bearer tokens.
"""

from __future__ import annotations

from sanic import Request
from sanic.response import BaseHTTPResponse, HTTPResponse, empty, json

from movierec import Settings
from movierec_server.errors import error_body
from movierec_server.pipeline import Pipeline

__all__ = ["install"]

ALLOW_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
ALLOW_HEADERS = "Authorization, Content-Type, Accept"
EXPOSE_HEADERS = "RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After"
MAX_AGE = "600"


def _normalize(origin: str) -> str:
    return origin.strip().rstrip("/").lower()


def install(app: Pipeline, settings: Settings) -> None:
    """Register the preflight handler and the response headers."""
    allowed = frozenset(_normalize(origin) for origin in settings.cors_origins)
    wildcard = "*" in allowed

    def allow(origin: str | None) -> str | None:
        if not origin or not allowed:
            return None
        if wildcard:
            return "*"
        return origin if _normalize(origin) in allowed else None

    @app.middleware("request", priority=90)
    def preflight(request: Request) -> HTTPResponse | None:
        if request.method != "OPTIONS" or "access-control-request-method" not in request.headers:
            return None
        origin = request.headers.get("origin")
        granted = allow(origin)
        if granted is None:
            return json(error_body("cors_forbidden", "origin not allowed"), status=403)
        return empty(
            status=204,
            headers={
                "Access-Control-Allow-Origin": granted,
                "Access-Control-Allow-Methods": ALLOW_METHODS,
                "Access-Control-Allow-Headers": ALLOW_HEADERS,
                "Access-Control-Max-Age": MAX_AGE,
                "Vary": "Origin",
            },
        )

    @app.on_response(priority=20)
    def cors_headers(request: Request, response: BaseHTTPResponse) -> None:
        granted = allow(request.headers.get("origin"))
        if granted is None:
            return
        response.headers["Access-Control-Allow-Origin"] = granted
        response.headers.setdefault("Access-Control-Expose-Headers", EXPOSE_HEADERS)
        vary = response.headers.get("Vary")
        if not vary:
            response.headers["Vary"] = "Origin"
        elif "origin" not in vary.lower():
            response.headers["Vary"] = f"{vary}, Origin"
