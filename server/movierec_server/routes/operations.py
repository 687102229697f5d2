"""Operations endpoints: metrics, TMDb usage, the audit log, recommendation quality (admins)."""

from __future__ import annotations

from typing import Literal

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json, raw
from sanic_ext import openapi

from movierec import (
    MAX_PAGE,
    MAX_PAGE_SIZE,
    AuditPage,
    InvalidInput,
    PageNo,
    Principal,
    QualityReport,
    UsageReport,
    parse_since,
)
from movierec_server.auth import SCHEME, principal_of, require_admin
from movierec_server.bodies import PER_PAGE_DEPRECATION, query_checked, query_int, query_size
from movierec_server.context import movierec
from movierec_server.metrics import CONTENT_TYPE, ServerMetrics
from movierec_server.pages import page_reply
from movierec_server.spec import ERROR_REF, json_content

_METRICS_EXAMPLE = (
    "# HELP movierec_http_requests_total HTTP requests answered, by route pattern and status.\n"
    "# TYPE movierec_http_requests_total counter\n"
    'movierec_http_requests_total{method="GET",route="/health",status="200"} 3.0\n'
)
bp = Blueprint("operations")

_SINCE_HELP = "a span before now (90m, 24h, 7d, 2w) or an ISO 8601 date/time"


@bp.get("/metrics")
@openapi.summary("Prometheus metrics (admin token, unless MOVIEREC_METRICS_PUBLIC)")
@openapi.tag("operations")
@openapi.secured(SCHEME)
@openapi.response(
    200,
    {CONTENT_TYPE: {"schema": {"type": "string"}, "example": _METRICS_EXAMPLE}},
    "Prometheus text exposition format",
)
@openapi.response(401, {"application/json": ERROR_REF}, "no valid bearer token")
@openapi.response(403, {"application/json": ERROR_REF}, "not public, and the caller is no admin")
async def metrics(request: Request) -> HTTPResponse:
    """Request counts and latencies by route and status, cache and TMDb figures."""
    mr = movierec(request)

    async def viewer() -> Principal:
        principal = await principal_of(request)
        request.ctx.principal = principal
        return principal

    await mr.monitoring.check_metrics_reader(viewer)
    server_metrics: ServerMetrics = request.app.ctx.metrics
    body = server_metrics.render(await mr.monitoring.snapshot())
    return raw(body, content_type=CONTENT_TYPE)


def _bucket(request: Request) -> Literal["hour", "day"]:
    value = request.args.get("bucket") or "hour"
    if value == "day":
        return "day"
    if value != "hour":
        raise InvalidInput.field("bucket", "must be 'hour' or 'day'")
    return "hour"


@bp.get("/admin/usage")
@openapi.summary("TMDb usage per endpoint and hour or day")
@openapi.tag("admin")
@openapi.parameter("since", str, "query", description=_SINCE_HELP + " (default 24h)")
@openapi.parameter("bucket", str, "query", description="hour (default) or day")
@openapi.response(200, json_content(UsageReport), "calls, statuses, cache, latency per bucket")
@require_admin
async def usage(request: Request) -> HTTPResponse:
    """Calls, status classes, retries, cache hit ratio, latency percentiles, waits."""
    mr = movierec(request)
    since = parse_since(request.args.get("since", "24h"), mr.clock)
    report = await mr.monitoring.usage(request.ctx.principal, since=since, bucket=_bucket(request))
    return json(report.model_dump(mode="json"))


@bp.get("/admin/audit")
@openapi.summary("The audit log, newest first")
@openapi.tag("admin")
@openapi.parameter("action", str, "query", description="only this action, e.g. login")
@openapi.parameter("actor", str, "query", description="only events by this username or id")
@openapi.parameter("since", str, "query", description=_SINCE_HELP)
@openapi.parameter("success", str, "query", description="true or false: only that outcome")
@openapi.parameter("page", int, "query", description=f"1-{MAX_PAGE}, default 1")
@openapi.parameter("size", int, "query", description=f"1-{MAX_PAGE_SIZE}, default 50")
@openapi.parameter("per_page", int, "query", description=PER_PAGE_DEPRECATION, deprecated=True)
@openapi.response(200, json_content(AuditPage), "one page of audit events")
@require_admin
async def audit(request: Request) -> HTTPResponse:
    """Logins, logouts, password and role changes, deactivations, deletions, imports."""
    mr = movierec(request)
    success_arg = request.args.get("success")
    if success_arg not in (None, "", "true", "false"):
        raise InvalidInput.field("success", "must be true or false")
    result = await mr.audit.search(
        request.ctx.principal,
        action=request.args.get("action") or None,
        actor=request.args.get("actor") or None,
        since=parse_since(request.args.get("since"), mr.clock),
        success=None if not success_arg else success_arg == "true",
        page=query_checked(request, "page", 1, PageNo),
        size=query_size(request, 50),
    )
    return page_reply(result)


@bp.get("/admin/recommendations/quality")
@openapi.summary("Online quality: served recommendations favorited within a window, per day")
@openapi.tag("admin")
@openapi.parameter("days", int, "query", description="UTC days up to today, 1-366 (default 30)")
@openapi.parameter("window", int, "query", description="days a favorite may follow, 1-90 (7)")
@openapi.response(
    200, json_content(QualityReport), "per day: served, favorited, share, popularity control"
)
@require_admin
async def recommendation_quality(request: Request) -> HTTPResponse:
    """Share of served items favorited within the window, beside a popularity control."""
    mr = movierec(request)
    report = await mr.recommend.quality(
        request.ctx.principal,
        days=query_int(request, "days", 30, low=1, high=366),
        window=query_int(request, "window", 7, low=1, high=90),
    )
    return json(report.model_dump(mode="json"))
