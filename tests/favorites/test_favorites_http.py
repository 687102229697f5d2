"""``/favorites`` over HTTP: status codes, privacy, validation, import and export.

Tests that add favorites get an app of their own (``app``). Tests that only read or are
refused (``@shared``) share one app per backend for the module (``reader_app``, with the
catalog seeded once and ``reader`` signed in once); none of them stores a favorite, so each
can still check that nothing was stored.
"""

from __future__ import annotations

import asyncio
import csv
import io
from typing import Any

import pytest
import pytest_asyncio
from sanic import Sanic

from movierec import MovieRec
from movierec.db.models import Favorite
from movierec_server import create_app
from tests.helpers.factories import bearer, signed_in, stored_movies


@pytest.fixture
async def app(mr: MovieRec) -> Sanic[Any, Any]:
    await stored_movies()
    return create_app(movierec=mr)


#: Tests on the module's shared app (they run in the module's event loop).
shared = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def reader_app(module_mr: MovieRec, module_app: Sanic[Any, Any]) -> Sanic[Any, Any]:
    """The module's app over the seeded catalog; no test using it stores a favorite."""
    with module_mr.db.activate():
        await stored_movies()
    return module_app


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def reader(module_mr: MovieRec) -> dict[str, str]:
    """The bearer header of a user signed in once for the module."""
    return bearer((await signed_in(module_mr, "reader")).access_token)


async def stored_favorites(mr: MovieRec) -> int:
    """How many favorite rows ``mr``'s database holds."""
    with mr.db.activate():
        return await Favorite.all().count()


async def add(app: Sanic[Any, Any], headers: dict[str, str], *movie_ids: int) -> None:
    """Arrange: add these movies, in order, as the user of ``headers`` (each must succeed)."""
    for movie_id in movie_ids:
        _, reply = await app.asgi_client.post(
            "/favorites/", json={"movie_id": movie_id}, headers=headers
        )
        assert reply.status in (200, 201), reply.json


@pytest.fixture
async def alice(mr: MovieRec) -> dict[str, str]:
    return bearer((await signed_in(mr, "alice")).access_token)


@pytest.fixture
async def bob(mr: MovieRec) -> dict[str, str]:
    return bearer((await signed_in(mr, "bob")).access_token)


async def test_adding_answers_201_then_200_and_lists_it(
    app: Sanic[Any, Any], alice: dict[str, str]
) -> None:
    client = app.asgi_client
    _, first = await client.post("/favorites/", json={"movie_id": 603}, headers=alice)
    assert first.status == 201, first.json
    assert first.json["created"] is True
    assert first.headers["location"] == "/favorites/603"
    _, again = await client.post("/favorites/", json={"movie_id": 603}, headers=alice)
    assert again.status == 200
    assert again.json["created"] is False
    _, listed = await client.get("/favorites", headers=alice)
    assert listed.status == 200
    assert listed.json["total"] == 1
    assert listed.json["items"][0]["title"] == "The Matrix"


async def test_checking_and_removing_one_favorite(
    app: Sanic[Any, Any], alice: dict[str, str]
) -> None:
    client = app.asgi_client
    await add(app, alice, 550)
    _, found = await client.get("/favorites/550", headers=alice)
    assert found.status == 200
    assert found.json["movie_id"] == 550
    _, removed = await client.delete("/favorites/550", headers=alice)
    assert removed.status == 204
    _, gone = await client.get("/favorites/550", headers=alice)
    assert gone.status == 404
    _, again = await client.delete("/favorites/550", headers=alice)
    assert again.status == 404
    assert again.json["error"]["code"] == "not_found"


@shared
async def test_every_route_needs_a_bearer_token(
    reader_app: Sanic[Any, Any], module_mr: MovieRec
) -> None:
    client = reader_app.asgi_client
    calls = [
        client.get("/favorites/"),
        client.post("/favorites/", json={"movie_id": 603}),
        client.get("/favorites/603"),
        client.delete("/favorites/603"),
        client.get("/favorites/export"),
        client.post("/favorites/import", json={"content": "[603]"}),
    ]
    for call in calls:
        _, reply = await call
        assert reply.status == 401
        assert reply.json["error"]["code"] == "unauthenticated"
    assert await stored_favorites(module_mr) == 0


async def test_a_user_cannot_see_or_delete_another_users_favorites(
    app: Sanic[Any, Any], alice: dict[str, str], bob: dict[str, str]
) -> None:
    client = app.asgi_client
    await add(app, bob, 603)
    _, listed = await client.get("/favorites/", headers=alice)
    assert listed.json["total"] == 0
    _, seen = await client.get("/favorites/603", headers=alice)
    assert seen.status == 404
    _, deleted = await client.delete("/favorites/603", headers=alice)
    assert deleted.status == 404
    _, exported = await client.get("/favorites/export", headers=alice)
    assert "603" not in exported.text
    _, still = await client.get("/favorites/603", headers=bob)
    assert still.status == 200


async def test_twenty_concurrent_requests_for_one_movie_make_one_row(
    app: Sanic[Any, Any], alice: dict[str, str]
) -> None:
    client = app.asgi_client
    replies = await asyncio.gather(
        *(client.post("/favorites/", json={"movie_id": 13}, headers=alice) for _ in range(20))
    )
    statuses = sorted(reply.status for _, reply in replies)
    assert statuses == [200] * 19 + [201]
    assert await Favorite.filter(movie_id=13).count() == 1


async def test_two_users_adding_one_movie_at_once_both_get_201(
    app: Sanic[Any, Any], alice: dict[str, str], bob: dict[str, str]
) -> None:
    client = app.asgi_client
    replies = await asyncio.gather(
        client.post("/favorites/", json={"movie_id": 680}, headers=alice),
        client.post("/favorites/", json={"movie_id": 680}, headers=bob),
    )
    assert [reply.status for _, reply in replies] == [201, 201]


BAD_BODIES: list[dict[str, Any]] = [
    {"movie_id": 0},
    {"movie_id": -1},
    {"movie_id": 2**31},
    {"movie_id": "abc"},
    {"movie_id": "603"},
    {"movie_id": "1; DROP TABLE favorites"},
    {"movie_id": "<script>alert(1)</script>"},
    {"movie_id": 1.5},
    {"movie_id": True},
    {"movie_id": 603, "user_id": 1},
    {},
]


@shared
async def test_bad_movie_ids_are_json_400s_and_store_nothing(
    reader_app: Sanic[Any, Any], reader: dict[str, str], module_mr: MovieRec
) -> None:
    for body in BAD_BODIES:
        _, reply = await reader_app.asgi_client.post("/favorites/", json=body, headers=reader)
        assert reply.status == 400, (body, reply.json)
        assert reply.json["error"]["code"] == "invalid_input"
        assert "<script>" not in reply.text
    assert await stored_favorites(module_mr) == 0


BAD_PATHS = [
    ("/favorites/0", 400),
    ("/favorites/-1", 400),
    (f"/favorites/{2**31}", 400),
    ("/favorites/abc", 404),
    ("/favorites/1%3B%20DROP%20TABLE%20favorites", 404),
    ("/favorites/%3Cscript%3E", 404),
]


@shared
async def test_bad_ids_in_the_path_are_json_errors(
    reader_app: Sanic[Any, Any], reader: dict[str, str]
) -> None:
    for path, status in BAD_PATHS:
        for method in (reader_app.asgi_client.get, reader_app.asgi_client.delete):
            _, reply = await method(path, headers=reader)
            assert reply.status == status, path
            assert reply.json["error"]["code"] in ("invalid_input", "not_found")
            assert "<script>" not in reply.text


@shared
async def test_an_unknown_movie_is_a_404(
    reader_app: Sanic[Any, Any], reader: dict[str, str]
) -> None:
    _, reply = await reader_app.asgi_client.post(
        "/favorites/", json={"movie_id": 999999}, headers=reader
    )
    assert reply.status == 404


async def test_adding_by_title_adds_a_clear_match_and_409s_an_ambiguous_one(
    app: Sanic[Any, Any], alice: dict[str, str]
) -> None:
    client = app.asgi_client
    _, clear = await client.post("/favorites/", json={"title": "fight club"}, headers=alice)
    assert clear.status == 201, clear.json
    assert clear.json["favorite"]["movie_id"] == 550
    _, ambiguous = await client.post("/favorites/", json={"title": "Crash"}, headers=alice)
    assert ambiguous.status == 409, ambiguous.json
    error = ambiguous.json["error"]
    assert error["code"] == "ambiguous_title"
    assert {c["movie_id"] for c in error["details"]["candidates"]} == {1640, 20382}
    _, dated = await client.post(
        "/favorites/", json={"title": "Crash", "year": 2004}, headers=alice
    )
    assert dated.status == 201, dated.json
    assert dated.json["favorite"]["movie_id"] == 1640
    _, unknown = await client.post(
        "/favorites/", json={"title": "Zzyzx Road Unseen"}, headers=alice
    )
    assert unknown.status == 404
    for body in ({"movie_id": 603, "title": "The Matrix"}, {"year": 1999}, {"title": 603}):
        _, bad = await client.post("/favorites/", json=body, headers=alice)
        assert bad.status == 400, (body, bad.json)
    assert await Favorite.all().count() == 2


async def test_listing_pages_by_number_and_cursor_and_filters_by_genre(
    app: Sanic[Any, Any], alice: dict[str, str]
) -> None:
    client = app.asgi_client
    await add(app, alice, 603, 550, 13, 680)
    _, first = await client.get("/favorites/?page=1&size=3", headers=alice)
    assert [i["movie_id"] for i in first.json["items"]] == [680, 13, 550]
    assert first.json["total"] == 4
    cursor = first.json["next_cursor"]
    _, rest = await client.get(f"/favorites/?size=3&cursor={cursor}", headers=alice)
    assert [i["movie_id"] for i in rest.json["items"]] == [603]
    _, drama = await client.get("/favorites/?genre=18", headers=alice)
    assert sorted(i["movie_id"] for i in drama.json["items"]) == [13, 550]


@shared
async def test_bad_list_parameters_are_400(
    reader_app: Sanic[Any, Any], reader: dict[str, str]
) -> None:
    for query in ("size=0", "size=101", "page=0", "page=x", "genre=abc", "cursor=zz"):
        _, reply = await reader_app.asgi_client.get(f"/favorites/?{query}", headers=reader)
        assert reply.status == 400, query
        assert reply.json["error"]["code"] == "invalid_input"


async def test_export_is_a_download_with_the_right_content_type(
    app: Sanic[Any, Any], alice: dict[str, str]
) -> None:
    client = app.asgi_client
    await add(app, alice, 603)
    _, as_json = await client.get("/favorites/export", headers=alice)
    assert as_json.status == 200
    assert as_json.headers["content-type"].startswith("application/json")
    assert as_json.headers["content-disposition"] == 'attachment; filename="favorites.json"'
    assert as_json.json["items"][0]["movie_id"] == 603
    _, as_csv = await client.get("/favorites/export?format=csv", headers=alice)
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert next(iter(csv.DictReader(io.StringIO(as_csv.text))))["movie_id"] == "603"
    _, bad = await client.get("/favorites/export?format=xml", headers=alice)
    assert bad.status == 400


async def test_export_then_import_round_trips_over_http(
    app: Sanic[Any, Any], alice: dict[str, str], bob: dict[str, str]
) -> None:
    client = app.asgi_client
    await add(app, alice, 603, 550)
    _, exported = await client.get("/favorites/export?format=csv", headers=alice)
    _, report = await client.post(
        "/favorites/import", json={"format": "csv", "content": exported.text}, headers=bob
    )
    assert report.status == 200, report.json
    assert report.json["added"] == 2
    _, listed = await client.get("/favorites/", headers=bob)
    assert [i["movie_id"] for i in listed.json["items"]] == [550, 603]


async def test_a_failed_import_is_400_with_the_report_and_stores_nothing(
    app: Sanic[Any, Any], alice: dict[str, str]
) -> None:
    content = "Name,Year\nThe Matrix,1999\nCrash,\n"
    client = app.asgi_client
    _, failed = await client.post(
        "/favorites/import", json={"format": "letterboxd", "content": content}, headers=alice
    )
    assert failed.status == 400
    details = failed.json["error"]["details"]
    assert (len(details["matched"]), len(details["ambiguous"])) == (1, 1)
    assert await Favorite.all().count() == 0
    _, done = await client.post(
        "/favorites/import",
        json={"format": "letterboxd", "content": content, "skip_errors": True},
        headers=alice,
    )
    assert done.status == 200
    assert done.json["added"] == 1


@shared
async def test_bad_import_bodies_are_rejected(
    reader_app: Sanic[Any, Any], reader: dict[str, str], module_mr: MovieRec
) -> None:
    bodies: list[dict[str, Any]] = [
        {"format": "xml", "content": "[]"},
        {"format": "json"},
        {"format": "json", "content": "[]", "extra": 1},
        {"format": "json", "content": "x" * 1_000_000},
        {"format": "json", "content": '[{"title": "bad\\u0000title"}]'},
    ]
    for body in bodies:
        _, reply = await reader_app.asgi_client.post("/favorites/import", json=body, headers=reader)
        assert reply.status in (400, 413), body["format"]
        assert "error" in reply.json
    assert await stored_favorites(module_mr) == 0


@shared
async def test_the_openapi_document_describes_the_favorites_routes(
    reader_app: Sanic[Any, Any],
) -> None:
    _, reply = await reader_app.asgi_client.get("/openapi.json")
    paths = reply.json["paths"]
    assert {"/favorites", "/favorites/export", "/favorites/import"} <= {
        p.rstrip("/") or p for p in paths
    }
    post = paths.get("/favorites/", paths.get("/favorites"))["post"]
    assert post["security"]
    assert post["requestBody"]["content"]["application/json"]["example"] == {"movie_id": 603}
    assert {"200", "201", "400", "404", "409"} <= set(post["responses"])
    body_schema = reply.json["components"]["schemas"]["AddFavorite"]
    assert {"movie_id", "title", "year"} <= set(body_schema["properties"])
    conflict = post["responses"]["409"]["content"]["application/json"]
    assert conflict["example"]["error"]["code"] == "ambiguous_title"
