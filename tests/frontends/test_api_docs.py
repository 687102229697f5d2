"""The served API documentation: offline pages, one complete spec, examples everywhere."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sanic import Sanic

from movierec import MovieRec
from movierec_server import create_app
from tests.helpers.spec_walk import METHODS, inline_refs

SPEC_URLS = ["/openapi.json", "/docs/openapi.json"]
PAGES = ["/docs", "/docs/swagger", "/docs/redoc"]


@pytest.fixture
def app(mr: MovieRec) -> Sanic[Any, Any]:
    return create_app(movierec=mr)


def _refs(node: Any) -> list[str]:
    if isinstance(node, list):
        return [ref for item in node for ref in _refs(item)]
    if not isinstance(node, dict):
        return []
    own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
    return own + [ref for value in node.values() for ref in _refs(value)]


@pytest.mark.parametrize("url", SPEC_URLS)
async def test_every_ref_of_the_spec_resolves(app: Sanic[Any, Any], url: str) -> None:
    _, reply = await app.asgi_client.get(url)
    assert reply.status == 200
    spec = reply.json
    refs = _refs(spec)
    assert "#/components/schemas/Error" in refs
    assert "#/components/schemas/LoginInput" in refs
    inline_refs(spec)  # raises KeyError on a dangling $ref


async def test_both_spec_urls_serve_the_same_document(app: Sanic[Any, Any]) -> None:
    _, root = await app.asgi_client.get("/openapi.json")
    _, docs = await app.asgi_client.get("/docs/openapi.json")
    assert root.json == docs.json


async def test_request_and_reply_bodies_are_named_schemas(app: Sanic[Any, Any]) -> None:
    _, reply = await app.asgi_client.get("/openapi.json")
    spec = reply.json
    login = spec["paths"]["/auth/login"]["post"]
    assert login["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/LoginInput"
    }
    assert login["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/TokenPair"
    }
    assert {"Movie", "UserView", "FavoriteItem", "RecommendationList"} <= set(
        spec["components"]["schemas"]
    )


async def test_every_operation_has_an_example(app: Sanic[Any, Any]) -> None:
    _, reply = await app.asgi_client.get("/openapi.json")
    spec = reply.json
    missing = []
    for path, item in spec["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            media = [
                media
                for status, response in operation["responses"].items()
                if status.startswith("2")
                for media in response.get("content", {}).values()
            ]
            media += list(operation.get("requestBody", {}).get("content", {}).values())
            if not any("example" in m for m in media) and media:
                missing.append(f"{method.upper()} {path}")
    assert missing == []


async def test_the_login_example_is_a_real_login(app: Sanic[Any, Any]) -> None:
    _, reply = await app.asgi_client.get("/openapi.json")
    body = reply.json["paths"]["/auth/login"]["post"]["requestBody"]["content"]
    assert body["application/json"]["example"] == {
        "username": "ada",
        "password": "correct horse battery staple",
    }


@pytest.mark.parametrize("page", PAGES)
async def test_docs_pages_load_only_assets_this_server_serves(
    app: Sanic[Any, Any], page: str
) -> None:
    _, reply = await app.asgi_client.get(page)
    assert reply.status == 200
    assert "script-src 'self';" in reply.headers["content-security-policy"]
    assets = re.findall(r'(?:src|href)="([^"]+)"', reply.text)
    assert assets, reply.text
    for asset in assets:
        assert asset.startswith("/docs/"), asset
        _, fetched = await app.asgi_client.get(asset)
        assert fetched.status == 200, asset
        assert len(fetched.body) > 0
    assert "<script>" not in reply.text  # no inline script: the CSP would block it


async def test_the_oauth2_redirect_page_is_served_from_the_package(app: Sanic[Any, Any]) -> None:
    _, reply = await app.asgi_client.get("/docs/oauth2-redirect.html")
    assert reply.status == 200
    assert "oauth2" in reply.text.lower()


async def test_a_text_plain_body_is_a_415(app: Sanic[Any, Any]) -> None:
    _, reply = await app.asgi_client.post(
        "/auth/login",
        content=b'{"username": "ada", "password": "x"}',
        headers={"content-type": "text/plain"},
    )
    assert reply.status == 415
    assert reply.json["error"]["code"] == "unsupported_media_type"
    assert "application/json" in reply.json["error"]["message"]


async def test_a_wrong_method_names_the_allowed_ones(app: Sanic[Any, Any]) -> None:
    _, reply = await app.asgi_client.put("/health")
    assert reply.status == 405
    assert "GET" in reply.headers["allow"]
    assert reply.json["error"]["code"] == "method_not_allowed"


async def test_the_root_points_at_the_docs(app: Sanic[Any, Any]) -> None:
    _, reply = await app.asgi_client.get("/")
    assert reply.status == 200
    assert reply.json["docs"] == "/docs"
    assert reply.json["openapi"] == "/openapi.json"


async def test_a_body_that_is_not_an_object_names_no_internal_class(app: Sanic[Any, Any]) -> None:
    _, reply = await app.asgi_client.post("/auth/login", json=["ada", "secret"])
    assert reply.status == 400
    assert reply.json["error"]["message"] == "body: must be a JSON object"
    assert "LoginInput" not in reply.text
