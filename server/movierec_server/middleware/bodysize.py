"""Request bodies are bounded by ``Settings.max_body_bytes``.

Sanic's own server enforces ``REQUEST_MAX_SIZE`` while reading; behind an ASGI server
it does not, so the bound is checked here too: the declared ``Content-Length`` first,
then the body actually received.
"""

from __future__ import annotations

from sanic import Request
from sanic.exceptions import PayloadTooLarge

from movierec import Settings
from movierec_server.pipeline import Pipeline

__all__ = ["install"]


def install(app: Pipeline, settings: Settings) -> None:
    """Register the check."""
    limit = settings.max_body_bytes

    @app.middleware("request", priority=96)
    def bound_body(request: Request) -> None:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise PayloadTooLarge(f"request body over {limit} bytes")
        if len(request.body or b"") > limit:
            raise PayloadTooLarge(f"request body over {limit} bytes")
