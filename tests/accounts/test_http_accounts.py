"""The account routes over HTTP: register, login, refresh, logout, /me, /admin/users."""

from __future__ import annotations

from typing import Any

import pytest
from sanic import Sanic

from movierec import MovieRec
from movierec.db.models import User
from movierec_server import create_app
from tests.helpers.factories import PASSWORD, bearer, signed_in, signed_in_admin


@pytest.fixture
def app(mr: MovieRec) -> Sanic[Any, Any]:
    return create_app(movierec=mr)


async def test_a_newcomer_registers_logs_in_updates_the_profile_and_logs_out(
    app: Sanic[Any, Any],
) -> None:
    client = app.asgi_client
    _, reply = await client.post(
        "/auth/register",
        json={"username": "alice", "email": "Alice@Example.org", "password": PASSWORD},
    )
    assert reply.status == 201, reply.json
    assert reply.json["email"] == "alice@example.org"
    _, reply = await client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    assert reply.status == 200
    tokens = reply.json
    assert reply.headers["cache-control"] == "no-store"
    _, reply = await client.get("/me", headers=bearer(tokens["access_token"]))
    assert reply.status == 200
    assert reply.json["username"] == "alice"
    _, reply = await client.patch(
        "/me",
        headers=bearer(tokens["access_token"]),
        json={"display_name": "Alice", "preferences": {"genres": [28, 12], "region": "fr"}},
    )
    assert reply.status == 200, reply.json
    assert reply.json["preferences"] == {"genres": [12, 28], "language": None, "region": "FR"}
    _, reply = await client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert reply.status == 200
    fresh = reply.json
    _, reply = await client.post("/auth/logout", headers=bearer(fresh["access_token"]), json={})
    assert reply.status == 204
    _, reply = await client.get("/me", headers=bearer(fresh["access_token"]))
    assert reply.status == 401
    _, reply = await client.post("/auth/refresh", json={"refresh_token": fresh["refresh_token"]})
    assert reply.status == 401


async def test_a_bad_field_is_a_400_naming_it(app: Sanic[Any, Any]) -> None:
    _, reply = await app.asgi_client.post(
        "/auth/register", json={"username": "alice", "email": "nope", "password": PASSWORD}
    )
    assert reply.status == 400
    assert reply.json["error"]["code"] == "invalid_input"
    assert "email" in reply.json["error"]["details"]["fields"]


async def test_a_taken_username_is_a_409(app: Sanic[Any, Any], mr: MovieRec) -> None:
    await signed_in(mr, "alice")
    _, reply = await app.asgi_client.post(
        "/auth/register", json={"username": "ALICE", "email": "b@example.org", "password": PASSWORD}
    )
    assert reply.status == 409
    assert reply.json["error"]["details"]["fields"] == {"username": "already taken"}


async def test_a_wrong_password_is_a_401_and_throttled_logins_a_429(
    app: Sanic[Any, Any], mr: MovieRec
) -> None:
    await signed_in(mr, "alice")
    for _ in range(5):
        _, reply = await app.asgi_client.post(
            "/auth/login", json={"username": "alice", "password": "wrong password!"}
        )
        assert reply.status == 401
        assert reply.json["error"]["message"] == "invalid username or password"
    _, reply = await app.asgi_client.post(
        "/auth/login", json={"username": "alice", "password": PASSWORD}
    )
    assert reply.status == 429
    assert 1 <= int(reply.headers["retry-after"]) <= 60


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"username": "alice", "email": "a@example.org", "password": PASSWORD, "role": "admin"},
            "role",
        ),
        (
            {"username": "alice", "email": "a@example.org", "password": PASSWORD, "is_admin": True},
            "is_admin",
        ),
    ],
)
async def test_registration_cannot_ask_for_a_role(
    app: Sanic[Any, Any], body: dict[str, Any], field: str
) -> None:
    _, reply = await app.asgi_client.post("/auth/register", json=body)
    assert reply.status == 400
    assert field in reply.json["error"]["details"]["fields"]
    assert await User.all().count() == 0


async def test_a_user_cannot_make_themselves_admin_through_me(
    app: Sanic[Any, Any], mr: MovieRec
) -> None:
    pair = await signed_in(mr, "alice")
    _, reply = await app.asgi_client.patch(
        "/me", headers=bearer(pair.access_token), json={"role": "admin"}
    )
    assert reply.status == 400
    assert (await User.get(id=pair.user.id)).role == "user"


async def test_me_only_ever_shows_and_changes_the_callers_account(
    app: Sanic[Any, Any], mr: MovieRec
) -> None:
    alice = await signed_in(mr, "alice")
    bob = await signed_in(mr, "bob")
    _, reply = await app.asgi_client.patch(
        "/me", headers=bearer(bob.access_token), json={"display_name": "Bobby"}
    )
    assert reply.json["id"] == bob.user.id
    _, reply = await app.asgi_client.get("/me", headers=bearer(alice.access_token))
    assert reply.json["username"] == "alice"
    assert reply.json["display_name"] is None
    _, reply = await app.asgi_client.patch(
        f"/admin/users/{alice.user.id}",
        headers=bearer(bob.access_token),
        json={"is_active": False},
    )
    assert reply.status == 403
    assert (await User.get(id=alice.user.id)).is_active


async def test_password_change_over_http_ends_other_sessions(
    app: Sanic[Any, Any], mr: MovieRec
) -> None:
    first = await signed_in(mr, "alice")
    second = await mr.auth.login("alice", PASSWORD)
    _, reply = await app.asgi_client.post(
        "/me/password",
        headers=bearer(first.access_token),
        json={"current_password": "wrong password!", "new_password": "a new long secret"},
    )
    assert reply.status == 400
    assert "current_password" in reply.json["error"]["details"]["fields"]
    _, reply = await app.asgi_client.post(
        "/me/password",
        headers=bearer(first.access_token),
        json={"current_password": PASSWORD, "new_password": "a new long secret"},
    )
    assert reply.status == 200
    _, old = await app.asgi_client.get("/me", headers=bearer(second.access_token))
    assert old.status == 401
    _, new = await app.asgi_client.get("/me", headers=bearer(reply.json["access_token"]))
    assert new.status == 200


async def test_deleting_the_account_over_http(app: Sanic[Any, Any], mr: MovieRec) -> None:
    pair = await signed_in(mr, "alice")
    _, reply = await app.asgi_client.request(
        "DELETE", "/me", headers=bearer(pair.access_token), json={"password": "wrong password!"}
    )
    assert reply.status == 400
    _, reply = await app.asgi_client.request(
        "DELETE", "/me", headers=bearer(pair.access_token), json={"password": PASSWORD}
    )
    assert reply.status == 204
    assert await User.all().count() == 0
    _, reply = await app.asgi_client.get("/me", headers=bearer(pair.access_token))
    assert reply.status == 401


async def test_admin_routes_refuse_users_and_anonymous_callers(
    app: Sanic[Any, Any], mr: MovieRec
) -> None:
    pair = await signed_in(mr, "alice")
    _, anonymous = await app.asgi_client.get("/admin/users")
    assert anonymous.status == 401
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    _, user = await app.asgi_client.get("/admin/users", headers=bearer(pair.access_token))
    assert user.status == 403
    assert user.json["error"]["code"] == "forbidden"


async def test_an_admin_lists_searches_and_deactivates_users(
    app: Sanic[Any, Any], mr: MovieRec
) -> None:
    admin, _ = await signed_in_admin(mr)
    for name in ("alice", "albert", "bob"):
        await signed_in(mr, name)
    headers = bearer(admin.access_token)
    _, reply = await app.asgi_client.get("/admin/users?q=AL&size=1", headers=headers)
    assert reply.status == 200
    assert {k: reply.json[k] for k in ("page", "size", "total", "total_pages")} == {
        "page": 1,
        "size": 1,
        "total": 2,
        "total_pages": 2,
    }
    assert [u["username"] for u in reply.json["items"]] == ["alice"]
    _, reply = await app.asgi_client.get("/admin/users?q=al&size=1&page=2", headers=headers)
    assert [u["username"] for u in reply.json["items"]] == ["albert"]
    # 0.1.0's name for the page size, still read for one release
    _, reply = await app.asgi_client.get("/admin/users?q=al&per_page=1&page=2", headers=headers)
    assert reply.json["size"] == 1
    assert [u["username"] for u in reply.json["items"]] == ["albert"]
    bob = await User.get(username_key="bob")
    _, reply = await app.asgi_client.patch(
        f"/admin/users/{bob.id}", headers=headers, json={"is_active": False}
    )
    assert reply.status == 200
    assert reply.json["is_active"] is False
    _, reply = await app.asgi_client.post(
        "/auth/login", json={"username": "bob", "password": PASSWORD}
    )
    assert reply.status == 403
    _, reply = await app.asgi_client.patch(
        f"/admin/users/{bob.id}", headers=headers, json={"role": "admin", "is_active": True}
    )
    assert reply.json["role"] == "admin"
    assert reply.json["is_active"] is True


async def test_an_admin_cannot_demote_or_deactivate_themselves(
    app: Sanic[Any, Any], mr: MovieRec
) -> None:
    admin, principal = await signed_in_admin(mr)
    _, reply = await app.asgi_client.patch(
        f"/admin/users/{principal.user_id}",
        headers=bearer(admin.access_token),
        json={"role": "user"},
    )
    assert reply.status == 409


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=x",
        "size=101",
        "size=-1",
        "per_page=101",
        "per_page=-1",
        "size=5&per_page=5",
        "q=" + "a" * 101,
    ],
)
async def test_bad_listing_parameters_are_400(
    app: Sanic[Any, Any], mr: MovieRec, query: str
) -> None:
    admin, _ = await signed_in_admin(mr)
    _, reply = await app.asgi_client.get(
        f"/admin/users?{query}", headers=bearer(admin.access_token)
    )
    assert reply.status == 400


async def test_an_unknown_user_id_is_404(app: Sanic[Any, Any], mr: MovieRec) -> None:
    admin, _ = await signed_in_admin(mr)
    _, reply = await app.asgi_client.patch(
        "/admin/users/999999", headers=bearer(admin.access_token), json={"role": "admin"}
    )
    assert reply.status == 404


async def test_no_route_can_create_an_admin(app: Sanic[Any, Any]) -> None:
    _, reply = await app.asgi_client.get("/openapi.json")
    for path, operations in reply.json["paths"].items():
        for method, operation in operations.items():
            if path.startswith("/admin"):
                assert operation.get("security") == [{"bearerAuth": []}], (method, path)
    assert "/admin/users" in reply.json["paths"]
    assert not any("promote" in path or "create" in path for path in reply.json["paths"])


async def test_the_openapi_document_declares_bearer_auth_on_protected_routes(
    app: Sanic[Any, Any],
) -> None:
    _, reply = await app.asgi_client.get("/openapi.json")
    spec = reply.json
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "Access token from POST /auth/login or /auth/refresh",
    }
    assert spec["paths"]["/me"]["get"]["security"] == [{"bearerAuth": []}]
    assert "security" not in spec["paths"]["/auth/login"]["post"]
    body = spec["paths"]["/auth/register"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/RegisterInput"}
    named = spec["components"]["schemas"]["RegisterInput"]
    assert named["required"] == ["username", "email", "password"]
    assert named["additionalProperties"] is False
    assert spec["paths"]["/me"]["get"]["responses"]["401"]["content"]["application/json"] == {
        "schema": {"$ref": "#/components/schemas/Error"}
    }
