"""Liveness and readiness."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json
from sanic_ext import openapi

from movierec import __version__
from movierec_server.context import movierec
from movierec_server.spec import json_content

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


class ReadyBody(BaseModel):
    """``GET /ready``."""

    status: Literal["ok", "degraded", "down"]
    database: DatabaseState
    cache: CacheState


@bp.get("/health")
@openapi.summary("Liveness: the process answers")
@openapi.tag("operations")
@openapi.response(200, json_content(HealthBody), "alive (degraded: the cache is down)")
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
@openapi.response(200, json_content(ReadyBody), "ready (degraded: the cache is down)")
@openapi.response(503, json_content(ReadyBody), "not ready: the database does not answer")
async def ready(request: Request) -> HTTPResponse:
    """Readiness: 200 when the database answers (cache down = degraded), else 503."""
    report = await movierec(request).health()
    status = 503 if report.status == "down" else 200
    return json(report.as_dict(), status=status)
