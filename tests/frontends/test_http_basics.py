"""The HTTP skeleton: health, readiness, OpenAPI, and JSON errors everywhere."""

from __future__ import annotations

from typing import Any

import pytest
from sanic import Sanic

from movierec import MovieRec
from movierec_server import create_app


@pytest.fixture
def app(mr: MovieRec) -> Sanic[Any, Any]:
    return create_app(movierec=mr)


async def test_health_answers_ok(app: Sanic[Any, Any], mr: MovieRec) -> None:
    _, response = await app.asgi_client.get("/health")
    assert response.status == 200
    assert response.json["status"] == "ok"
    assert response.json["cache"]["backend"] == mr.cache.backend


async def test_ready_checks_database_and_cache(app: Sanic[Any, Any], mr: MovieRec) -> None:
    _, response = await app.asgi_client.get("/ready")
    assert response.status == 200
    assert response.json["database"] == {"ok": True, "kind": mr.db.kind}


async def test_openapi_is_served_at_the_root_and_under_docs(app: Sanic[Any, Any]) -> None:
    _, root = await app.asgi_client.get("/openapi.json")
    _, docs = await app.asgi_client.get("/docs/openapi.json")
    assert root.status == docs.status == 200
    assert root.json["openapi"].startswith("3.")
    assert "/health" in root.json["paths"]
    assert root.json["paths"].keys() == docs.json["paths"].keys()


async def test_an_unknown_route_is_a_json_404(app: Sanic[Any, Any]) -> None:
    _, response = await app.asgi_client.get("/no/such/route")
    assert response.status == 404
    assert response.json["error"]["code"] == "not_found"


async def test_a_wrong_method_is_a_json_405(app: Sanic[Any, Any]) -> None:
    _, response = await app.asgi_client.post("/health")
    assert response.status == 405
    assert response.json["error"]["code"] == "method_not_allowed"
