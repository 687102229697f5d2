"""No malformed body, header or token makes the server answer 500.

The tests share one app per backend (``module_app``): none changes what another reads (each
logs in its own admin afresh, and every request here is refused).
"""

from __future__ import annotations

from typing import Any

import pytest
from sanic import Sanic

from movierec import MovieRec
from movierec_server import create_app
from movierec_server.app import PATH_IDS
from tests.helpers.factories import bearer, signed_in

ROUTES = [
    ("POST", "/auth/register"),
    ("POST", "/auth/login"),
    ("POST", "/auth/refresh"),
    ("POST", "/auth/logout"),
    ("PATCH", "/me"),
    ("DELETE", "/me"),
    ("POST", "/me/password"),
    ("PATCH", "/admin/users/1"),
]
BODIES: list[bytes] = [
    b"",
    b"{",
    b"null",
    b"[]",
    b"42",
    b'"text"',
    b"\xff\xfe\x00",
    b'{"username": 5, "password": null}',
    b'{"username": {"$ne": 1}, "password": ["x"]}',
    b'{"refresh_token": 123}',
    b'{"email": "' + b"a" * 5000 + b'@x.org"}',
    b'{"preferences": {"genres": ["x"], "region": "zzz"}}',
    b'{"preferences": "all"}',
    b'{"role": "superuser", "is_active": "maybe"}',
    b'{"current_password": "", "new_password": ""}',
    b'{"unexpected": true}',
    b'{"username": "' + b"0" * 320 + b'", "password": "x"}',
    b'{"username": "a@' + b"0" * 300 + b'", "password": "x"}',
    b'{"username": "\\u01c5\\u00df", "password": "x"}',
]
AUTH_HEADERS: list[str | bytes | None] = [
    None,
    "Bearer",
    "Bearer ",
    "Basic dXNlcjpwYXNz",
    "Bearer a.b.c",
    "Bearer " + "x" * 5000,
    "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.",
    "bearer two tokens",
    "Bearer \u00e9\u00e9".encode(),
]


pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def app(module_app: Sanic[Any, Any]) -> Sanic[Any, Any]:
    return module_app


@pytest.fixture(scope="module")
def mr(module_mr: MovieRec) -> MovieRec:
    return module_mr


@pytest.mark.parametrize(("method", "path"), ROUTES)
async def test_malformed_bodies_are_4xx_json(
    app: Sanic[Any, Any], mr: MovieRec, method: str, path: str
) -> None:
    admin = await signed_in(mr, "root")
    await mr.admin.promote("root")
    for body in BODIES:
        if body == b"" and path == "/auth/logout":
            continue  # the logout body is optional
        _, reply = await app.asgi_client.request(
            method,
            path,
            content=body,
            headers={**bearer(admin.access_token), "content-type": "application/json"},
        )
        assert 400 <= reply.status < 500, (body, reply.status, reply.text)
        assert reply.json["error"]["code"], body


@pytest.mark.parametrize("header", AUTH_HEADERS)
async def test_malformed_authorization_headers_are_401(
    app: Sanic[Any, Any], header: str | bytes | None
) -> None:
    headers = {"Authorization": header} if header is not None else {}
    for method, path in [("GET", "/me"), ("GET", "/admin/users"), ("POST", "/auth/logout")]:
        _, reply = await app.asgi_client.request(method, path, headers=headers)
        assert reply.status == 401, (header, path, reply.text)
        assert reply.headers["www-authenticate"].startswith("Bearer")
        assert reply.json["error"]["code"] == "unauthenticated"


@pytest.mark.asyncio(loop_scope="function")  # its own MovieRec, in its own loop
async def test_a_body_over_the_size_bound_is_413(make_mr: Any) -> None:
    mr = await make_mr(max_body_bytes=2048)
    app = create_app(movierec=mr)
    _, reply = await app.asgi_client.post(
        "/auth/login", content=b'{"username": "' + b"a" * 4096 + b'"}'
    )
    assert reply.status == 413
    assert reply.json["error"]["code"] == "payload_too_large"


@pytest.mark.parametrize("path", ["/admin/users/abc", "/admin/users/1.5"])
async def test_a_non_integer_user_id_is_404_not_500(app: Sanic[Any, Any], path: str) -> None:
    _, reply = await app.asgi_client.patch(path, json={"role": "admin"})
    assert reply.status in (401, 404)


async def test_nul_bytes_in_names_are_refused_not_503(app: Sanic[Any, Any], mr: MovieRec) -> None:
    admin = await signed_in(mr, "root")
    await mr.admin.promote("root")
    for name in ("\x00null\x00byte", "a@b\x00.org"):
        _, reply = await app.asgi_client.post(
            "/auth/login", json={"username": name, "password": "x\x00y"}
        )
        assert reply.status == 401, reply.text
    _, listing = await app.asgi_client.get(
        "/admin/users", params={"q": "a\x00b"}, headers=bearer(admin.access_token)
    )
    assert listing.status == 400, listing.text


@pytest.mark.parametrize("path", ["/health", "/me", "/favorites", "/admin/users"])
async def test_an_undecodable_authorization_header_is_never_a_500(
    app: Sanic[Any, Any], path: str
) -> None:
    _, reply = await app.asgi_client.get(path, headers={"Authorization": b"Bearer \xff"})
    assert reply.status < 500, reply.text
    if path != "/health":
        assert reply.status == 401
        assert reply.json["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/admin/users/2147483648", 400, "invalid_input"),
        ("/admin/users/99999999999999999999", 400, "invalid_input"),
        ("/admin/users/0", 400, "invalid_input"),
        ("/admin/users/-1", 400, "invalid_input"),
        ("/admin/users/2147483647", 404, "not_found"),
    ],
)
async def test_an_id_outside_the_stored_range_is_bad_input_not_503(
    app: Sanic[Any, Any], mr: MovieRec, path: str, status: int, code: str
) -> None:
    admin = await signed_in(mr, "root")
    await mr.admin.promote("root")
    for method in ("GET", "PATCH"):
        _, reply = await app.asgi_client.request(
            method, path, json={"role": "admin"}, headers=bearer(admin.access_token)
        )
        assert reply.status == status, (method, reply.status, reply.text)
        assert reply.json["error"]["code"] == code


async def test_every_integer_in_a_route_path_has_a_validated_type(app: Sanic[Any, Any]) -> None:
    """The path-id check takes each id's bound from the library's type (``MovieId``...): a
    route adding an integer that ``PATH_IDS`` does not name would fail every request."""
    integers = {
        param.name
        for route in app.router.routes
        for param in route.defined_params.values()
        if param.cast is int
    }
    assert "movie_id" in integers
    assert integers <= set(PATH_IDS), integers - set(PATH_IDS)
