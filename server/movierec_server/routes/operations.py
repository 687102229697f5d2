"""Operations endpoints: Prometheus metrics."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, raw
from sanic_ext import openapi

from movierec import Forbidden
from movierec_server.context import movierec
from movierec_server.metrics import CONTENT_TYPE, ServerMetrics

bp = Blueprint("operations")


@bp.get("/metrics")
@openapi.summary("Prometheus metrics (admin token, unless MOVIEREC_METRICS_PUBLIC)")
@openapi.tag("operations")
@openapi.response(200, {CONTENT_TYPE: str}, "Prometheus text exposition format")
@openapi.response(403, description="not public, and the caller is no admin")
async def metrics(request: Request) -> HTTPResponse:
    """Request counts and latencies by route and status, cache and TMDb figures."""
    mr = movierec(request)
    if not mr.settings.metrics_public:
        raise Forbidden("metrics need an admin token")
    server_metrics: ServerMetrics = request.app.ctx.metrics
    body = server_metrics.render(await mr.monitoring.snapshot())
    return raw(body, content_type=CONTENT_TYPE)
