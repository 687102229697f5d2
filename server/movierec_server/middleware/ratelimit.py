"""API rate limits: per user with a valid bearer token, else per client IP.

Counts live in ``mr.limiter`` (Redis when configured), so every worker shares them.
Every reply carries ``RateLimit-Limit``, ``RateLimit-Remaining`` and
``RateLimit-Reset`` (seconds); a refused request gets ``429`` with ``Retry-After``.
If the limiter's backend is unreachable the request goes through unlimited (and is
logged): losing the limiter must not take the API down.
"""

from __future__ import annotations

import logging
from typing import Any

from sanic import Request, Sanic
from sanic.response import BaseHTTPResponse

from movierec import Settings
from movierec.cache import RateDecision
from movierec_server.auth import try_principal
from movierec_server.context import movierec
from movierec_server.middleware.proxy import client_ip

__all__ = ["install"]

logger = logging.getLogger("movierec.server")


def install(app: Sanic[Any, Any], settings: Settings) -> None:
    """Register the limit check and the headers."""

    @app.on_request(priority=80)
    async def rate_limit(request: Request) -> None:
        if request.method == "OPTIONS":
            return
        principal = await try_principal(request)
        if principal is not None:
            key, rate = f"api:user:{principal.user_id}", settings.rate_limit_user
        else:
            key, rate = f"api:ip:{client_ip(request)}", settings.rate_limit_anonymous
        try:
            decision = await movierec(request).limiter.hit(key, rate)
        except Exception as exc:  # the limiter's backend is down: serve, unlimited
            logger.warning("rate limiter unavailable: %s", exc)
            return
        request.ctx.rate_decision = decision
        decision.raise_if_denied()

    @app.on_response(priority=30)
    async def rate_limit_headers(request: Request, response: BaseHTTPResponse) -> None:
        decision: RateDecision | None = getattr(request.ctx, "rate_decision", None)
        if decision is None:
            return
        response.headers["RateLimit-Limit"] = str(decision.limit)
        response.headers["RateLimit-Remaining"] = str(decision.remaining)
        response.headers["RateLimit-Reset"] = str(max(0, round(decision.reset_after + 0.499)))
