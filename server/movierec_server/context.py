"""Access to the worker's ``MovieRec`` from a request."""

from __future__ import annotations

from typing import Any

from sanic import Request

from movierec import MovieRec


def movierec(request: Request) -> MovieRec:
    """The ``MovieRec`` this worker opened."""
    mr: MovieRec = request.app.ctx.movierec
    return mr


def client_ip(request: Request) -> str:
    """The caller's address (the proxy's forwarded value only when Sanic trusts it)."""
    ip: Any = request.remote_addr or request.ip
    return str(ip or "unknown")
