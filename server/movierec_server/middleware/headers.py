"""Security headers on every reply.

A strict Content-Security-Policy everywhere (the API only serves JSON), relaxed for the
``/docs`` pages only as far as Swagger UI and ReDoc need (inline styles, a blob: worker);
their scripts and styles are served by this server, never a CDN. HSTS is sent
only on HTTPS replies (browsers ignore it over HTTP anyway). Responses of the account
routes, which may carry tokens, are never cached.

The constant headers are encoded once: on the server's own HTTP/1.1 connections they are
written as one block of bytes (:func:`movierec_server.draining.send_encoded_headers`)
instead of being set, encoded and sanitized per reply. A reply that set one of them
itself keeps its own value, as before.
"""

from __future__ import annotations

from sanic import Request
from sanic.response import BaseHTTPResponse

from movierec import Settings
from movierec_server.draining import send_encoded_headers
from movierec_server.middleware.proxy import is_secure
from movierec_server.pipeline import Pipeline

__all__ = ["API_BLOCK", "API_CSP", "DOCS_CSP", "hsts_value", "install"]

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# The docs pages load only packaged assets (movierec_server.apidocs). Swagger UI and
# ReDoc set element styles and ReDoc starts a blob: worker; scripts stay 'self' only.
DOCS_CSP = (
    "default-src 'self'; "
    "script-src 'self'; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; "
    "font-src 'self' data:; "
    "connect-src 'self'; worker-src 'self' blob:; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
NO_STORE_PREFIXES = ("/auth", "/me", "/admin")
CONSTANT = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
"""Sent unless the reply set its own (the Content-Security-Policy always replaces)."""


def _encoded(csp: str) -> bytes:
    lines = [*CONSTANT, ("Content-Security-Policy", csp)]
    return b"".join(f"{name}: {value}\r\n".encode("ascii") for name, value in lines)


API_BLOCK, DOCS_BLOCK = _encoded(API_CSP), _encoded(DOCS_CSP)
_NAMES = (*(name for name, _ in CONSTANT), "Content-Security-Policy")


def hsts_value(settings: Settings) -> str:
    """``Strict-Transport-Security`` of a secure reply (sent when ``hsts_max_age`` is set)."""
    return f"max-age={settings.hsts_max_age}; includeSubDomains"


def install(app: Pipeline, settings: Settings) -> None:
    """Register the response middleware."""
    hsts = hsts_value(settings)

    @app.on_response(priority=10)
    def security_headers(request: Request, response: BaseHTTPResponse) -> None:
        headers = response.headers
        path = request.path
        docs = path == "/docs" or path.startswith("/docs/")
        if any(name in headers for name in _NAMES) or not send_encoded_headers(
            request, DOCS_BLOCK if docs else API_BLOCK
        ):
            for name, value in CONSTANT:
                headers.setdefault(name, value)
            headers["Content-Security-Policy"] = DOCS_CSP if docs else API_CSP
        if settings.hsts_max_age and is_secure(request):
            headers["Strict-Transport-Security"] = hsts
        if path.startswith(NO_STORE_PREFIXES):
            headers.setdefault("Cache-Control", "no-store")
