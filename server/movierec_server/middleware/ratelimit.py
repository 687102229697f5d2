"""API rate limits: per user with a valid bearer token, else per client IP.

Counts live in ``mr.limiter`` (Redis when configured), so every worker shares them.
Every reply carries ``RateLimit-Limit``, ``RateLimit-Remaining`` and
``RateLimit-Reset`` (seconds); a refused request gets ``429`` with ``Retry-After``.
If the limiter's backend is unreachable or hangs (1 s bound) the request goes through
unlimited, and the limiter is left alone for 5 s but one probe (logged): the library's
rule, ``RateLimiter.check``.

A signed-in request pays one Redis round trip for its limit and its session check
together: when this worker last found the token good (``mr.auth.likely_user``), the
limit's script also reads the user's stamp (``mr.stamps.companion``), which the session
check then uses instead of reading it again. The guess only picks the key, never the
verdict: should the check refuse the token (revoked since this worker last saw it), the
request is counted against its IP as well, and the user's count holds one hit too many
(at most one per worker and revocation).
"""

from __future__ import annotations

from sanic import Request
from sanic.response import BaseHTTPResponse

from movierec import RateDecision, Settings
from movierec_server.auth import likely_user, try_principal
from movierec_server.context import movierec
from movierec_server.middleware.proxy import client_ip
from movierec_server.pipeline import Pipeline

__all__ = ["count_by_address", "header_pairs", "install"]


async def count_by_address(request: Request, settings: Settings) -> RateDecision | None:
    """Count a request without a valid bearer token against its client's address.

    The outcome stays on the request (``None``: the limiter could not decide), so a
    request counted before the middleware runs (:mod:`movierec_server.hotpath`) is never
    counted again: the middleware applies that outcome instead.
    """
    key = f"api:ip:{client_ip(request)}"
    limiter = movierec(request).limiter
    rate = settings.rate_limit_anonymous
    decision = limiter.spend(key, rate) or await limiter.check(key, rate)
    request.ctx.rate_counted = True
    request.ctx.rate_outcome = decision
    return decision


def header_pairs(decision: RateDecision) -> tuple[tuple[str, str], ...]:
    """The ``RateLimit-*`` headers of a reply counted by ``decision``."""
    return (
        ("RateLimit-Limit", str(decision.limit)),
        ("RateLimit-Remaining", str(decision.remaining)),
        ("RateLimit-Reset", str(max(0, round(decision.reset_after + 0.499)))),
    )


def install(app: Pipeline, settings: Settings) -> None:
    """Register the limit check and the headers."""

    @app.middleware("request", priority=80)
    async def rate_limit(request: Request) -> None:
        if request.method == "OPTIONS":
            return
        if getattr(request.ctx, "rate_counted", False):  # counted already: applied here
            _apply(request, request.ctx.rate_outcome)
            return
        mr = movierec(request)
        user_id = likely_user(request)
        if user_id is not None:  # the warm signed-in path: one round trip
            decision = await mr.limiter.check(
                f"api:user:{user_id}", settings.rate_limit_user, mr.stamps.companion(user_id)
            )
            if decision is not None and decision.companion is not None:
                request.ctx.read_stamp = mr.stamps.accept(decision.companion)
            principal = await try_principal(request)
            if principal is not None and principal.user_id == user_id:
                _apply(request, decision)
                return
        else:
            principal = await try_principal(request)
        if principal is None:
            _apply(request, await count_by_address(request, settings))
            return
        key = f"api:user:{principal.user_id}"
        _apply(request, await mr.limiter.check(key, settings.rate_limit_user))

    def _apply(request: Request, decision: RateDecision | None) -> None:
        if decision is None:
            return
        request.ctx.rate_decision = decision
        decision.raise_if_denied()

    @app.on_response(priority=30)
    def rate_limit_headers(request: Request, response: BaseHTTPResponse) -> None:
        decision: RateDecision | None = getattr(request.ctx, "rate_decision", None)
        if decision is None:
            return
        for name, value in header_pairs(decision):
            response.headers[name] = value
