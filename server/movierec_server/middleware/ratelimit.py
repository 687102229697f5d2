"""API rate limits: per user with a valid bearer token, else per client IP.

Counts live in ``mr.limiter`` (Redis when configured), so every worker shares them.
Every reply carries ``RateLimit-Limit``, ``RateLimit-Remaining`` and
``RateLimit-Reset`` (seconds); a refused request gets ``429`` with ``Retry-After``.
If the limiter's backend is unreachable or hangs (1 s bound) the request goes through
unlimited, and the limiter is left alone for 5 s (logged): losing the limiter must not
take the API down or slow every request.
"""

from __future__ import annotations

import asyncio
import logging
import time

from sanic import Request
from sanic.response import BaseHTTPResponse

from movierec import RateDecision, RateLimiter, Settings
from movierec_server.auth import try_principal
from movierec_server.context import movierec
from movierec_server.middleware.proxy import client_ip
from movierec_server.pipeline import Pipeline

__all__ = ["install"]

logger = logging.getLogger("movierec.server")


class LimiterBreaker:
    """Calls the limiter with a time bound; after a failure, skips it for a while.

    A Redis that hangs rather than refuses would otherwise hold every request for the
    client's socket timeout. While open, requests are served unlimited.
    """

    def __init__(self, timeout: float = 1.0, pause: float = 5.0) -> None:
        self.timeout = timeout
        self.pause = pause
        self._skip_until = 0.0

    async def hit(self, limiter: RateLimiter, key: str, rate: str) -> RateDecision | None:
        """The decision, or ``None`` when the limiter is unavailable."""
        now = time.monotonic()
        if now < self._skip_until:
            return None
        try:
            async with asyncio.timeout(self.timeout):  # no task per call, unlike wait_for
                return await limiter.hit(key, rate)
        except Exception as exc:  # the limiter's backend is down or hanging
            self._skip_until = time.monotonic() + self.pause
            logger.warning("rate limiter unavailable for %.0fs: %r", self.pause, exc)
            return None


def install(app: Pipeline, settings: Settings) -> None:
    """Register the limit check and the headers."""
    breaker = LimiterBreaker()

    @app.middleware("request", priority=80)
    async def rate_limit(request: Request) -> None:
        if request.method == "OPTIONS":
            return
        principal = await try_principal(request)
        if principal is not None:
            key, rate = f"api:user:{principal.user_id}", settings.rate_limit_user
        else:
            key, rate = f"api:ip:{client_ip(request)}", settings.rate_limit_anonymous
        decision = await breaker.hit(movierec(request).limiter, key, rate)
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
