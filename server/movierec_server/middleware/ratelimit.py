"""API rate limits: per user with a valid bearer token, else per client IP.

Counts live in ``mr.limiter`` (Redis when configured), so every worker shares them.
Every reply carries ``RateLimit-Limit``, ``RateLimit-Remaining`` and
``RateLimit-Reset`` (seconds); a refused request gets ``429`` with ``Retry-After``.
If the limiter's backend is unreachable or hangs (1 s bound) the request goes through
unlimited, and the limiter is left alone for 5 s but one probe (logged): the library's
rule, ``RateLimiter.check``.
"""

from __future__ import annotations

from sanic import Request
from sanic.response import BaseHTTPResponse

from movierec import RateDecision, Settings
from movierec_server.auth import try_principal
from movierec_server.context import movierec
from movierec_server.middleware.proxy import client_ip
from movierec_server.pipeline import Pipeline

__all__ = ["install"]


def install(app: Pipeline, settings: Settings) -> None:
    """Register the limit check and the headers."""

    @app.middleware("request", priority=80)
    async def rate_limit(request: Request) -> None:
        if request.method == "OPTIONS":
            return
        principal = await try_principal(request)
        if principal is not None:
            key, rate = f"api:user:{principal.user_id}", settings.rate_limit_user
        else:
            key, rate = f"api:ip:{client_ip(request)}", settings.rate_limit_anonymous
        decision = await movierec(request).limiter.check(key, rate)
        if decision is None:
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
