"""Request bodies are bounded by ``Settings.max_body_bytes``.

Sanic's own server enforces ``REQUEST_MAX_SIZE`` while reading; behind an ASGI server
it does not, so the bound is checked here too: the declared ``Content-Length`` first,
then the body actually received.
"""

from __future__ import annotations

from typing import Any

from sanic import Request, Sanic
from sanic.exceptions import PayloadTooLarge

from movierec import Settings

__all__ = ["install"]


def install(app: Sanic[Any, Any], settings: Settings) -> None:
    """Register the check."""
    limit = settings.max_body_bytes

    @app.middleware("request", priority=96)
    async def bound_body(request: Request) -> None:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise PayloadTooLarge(f"request body over {limit} bytes")
        if len(request.body or b"") > limit:
            raise PayloadTooLarge(f"request body over {limit} bytes")
