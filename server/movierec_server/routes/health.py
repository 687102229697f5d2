"""Liveness and readiness."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json
from sanic_ext import openapi

from movierec import __version__
from movierec_server.context import movierec

bp = Blueprint("health")


@bp.get("/health")
@openapi.summary("Liveness: the process answers")
@openapi.tag("operations")
@openapi.response(200, {"application/json": {"status": str, "version": str}}, "alive")
async def health(request: Request) -> HTTPResponse:
    """Liveness: the process answers; the cache backend's state is reported."""
    mr = movierec(request)
    cache_ok = await mr.cache.ping()
    return json(
        {
            "status": "ok" if cache_ok else "degraded",
            "version": __version__,
            "cache": {"backend": mr.cache.backend, "ok": cache_ok},
        }
    )


@bp.get("/ready")
@openapi.summary("Readiness: database and cache reachable")
@openapi.tag("operations")
@openapi.response(200, {"application/json": dict}, "ready (possibly degraded)")
@openapi.response(503, {"application/json": dict}, "not ready")
async def ready(request: Request) -> HTTPResponse:
    """Readiness: 200 when the database answers (cache down = degraded), else 503."""
    report = await movierec(request).health()
    status = 503 if report.status == "down" else 200
    return json(report.as_dict(), status=status)
