"""Security headers on every reply.

A strict Content-Security-Policy everywhere (the API only serves JSON), relaxed for the
``/docs`` pages only as far as Swagger UI and ReDoc need (inline styles, a blob: worker);
their scripts and styles are served by this server, never a CDN. HSTS is sent
only on HTTPS replies (browsers ignore it over HTTP anyway). Responses of the account
routes, which may carry tokens, are never cached.
"""

from __future__ import annotations

from sanic import Request
from sanic.response import BaseHTTPResponse

from movierec import Settings
from movierec_server.middleware.proxy import is_secure
from movierec_server.pipeline import Pipeline

__all__ = ["API_CSP", "DOCS_CSP", "install"]

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


def install(app: Pipeline, settings: Settings) -> None:
    """Register the response middleware."""
    hsts = f"max-age={settings.hsts_max_age}; includeSubDomains"

    @app.on_response(priority=10)
    async def security_headers(request: Request, response: BaseHTTPResponse) -> None:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        docs = request.path == "/docs" or request.path.startswith("/docs/")
        headers["Content-Security-Policy"] = DOCS_CSP if docs else API_CSP
        if settings.hsts_max_age and is_secure(request):
            headers["Strict-Transport-Security"] = hsts
        if request.path.startswith(NO_STORE_PREFIXES):
            headers.setdefault("Cache-Control", "no-store")
