"""Liveness and readiness: the library decides (``mr.liveness()``, ``mr.health()``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

import orjson
from pydantic import BaseModel
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json, raw
from sanic_ext import openapi

from movierec import Liveness
from movierec_server.context import movierec
from movierec_server.spec import json_content
from movierec_server.workers import WorkerPool

bp = Blueprint("health")


class CacheState(BaseModel):
    """Which cache backend serves, and whether it answers."""

    backend: str
    ok: bool


class DatabaseState(BaseModel):
    """Which database engine, and whether it answers."""

    kind: str
    ok: bool


class HealthBody(BaseModel):
    """``GET /health``."""

    status: Literal["ok", "degraded"]
    version: str
    cache: CacheState


class WorkersState(BaseModel):
    """Worker processes of ``movierec serve``: configured, serving now, replaced so far."""

    configured: int
    live: int
    restarts: int


class ReadyBody(BaseModel):
    """``GET /ready``."""

    status: Literal["ok", "degraded", "down"]
    database: DatabaseState
    cache: CacheState
    workers: WorkersState | None = None


@bp.get("/health")
@openapi.summary("Liveness: the process answers")
@openapi.tag("operations")
@openapi.response(200, json_content(HealthBody), "alive (degraded: the cache is down)")
async def health(request: Request) -> HTTPResponse:
    """Liveness: the process answers; the cache backend's state is reported."""
    report = await movierec(request).liveness()
    return raw(liveness_body(report), content_type="application/json")


@lru_cache(maxsize=8)
def liveness_body(report: Liveness) -> bytes:
    """The ``/health`` body of ``report`` (probed a lot, a handful of possible bodies:
    each encoded once)."""
    return orjson.dumps(report.as_dict())


@bp.get("/ready")
@openapi.summary("Readiness: database and cache reachable")
@openapi.tag("operations")
@openapi.response(200, json_content(ReadyBody), "ready (degraded: the cache is down)")
@openapi.response(503, json_content(ReadyBody), "not ready: the database does not answer")
async def ready(request: Request) -> HTTPResponse:
    """Readiness: 200 when the database answers, else 503.

    ``degraded`` (still 200): the cache is down, or fewer workers serve than configured
    (a dead one is being replaced). ``workers`` appears under ``movierec serve``.
    """
    report = await movierec(request).health()
    pool: WorkerPool | None = request.app.ctx.workers
    counted = pool.status() if pool is not None else None
    if counted is not None:
        report = report.with_workers(counted)
    return json(report.as_dict(), status=503 if report.status == "down" else 200)
