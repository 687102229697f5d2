"""``POST /favorites/import`` streaming its progress (NDJSON) instead of one long wait."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from sanic import Sanic

from movierec import MovieRec
from movierec.db.models import Favorite
from movierec_server import create_app
from tests.favorites.test_favorites_title_index import CATALOG, import_rows
from tests.helpers.factories import bearer, signed_in, stored_movies

STREAM = {"Accept": "application/x-ndjson"}


@pytest.fixture
async def app(mr: MovieRec) -> Sanic[Any, Any]:
    await stored_movies(CATALOG)
    return create_app(movierec=mr)


@pytest.fixture
async def alice(mr: MovieRec) -> dict[str, str]:
    return {**bearer((await signed_in(mr, "alice")).access_token), **STREAM}


def lines(body: bytes) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in body.splitlines() if line.strip()]


async def test_a_streamed_import_sends_progress_then_the_report(
    app: Sanic[Any, Any], alice: dict[str, str]
) -> None:
    content, expected, _ = import_rows(2000)
    body = {"format": "csv", "content": content, "skip_errors": True}
    _, reply = await app.asgi_client.post("/favorites/import", json=body, headers=alice)
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("application/x-ndjson")
    *progress, last = lines(reply.body)
    assert progress, "no progress line"
    done = [line["progress"]["done"] for line in progress]
    assert done == sorted(done)
    assert {line["progress"]["total"] for line in progress} == {2000}
    report = last["result"]
    assert report["written"] is True
    assert {m["line"]: m["movie_id"] for m in report["matched"]} == expected
    assert await Favorite.all().count() == report["added"] > 0


async def test_a_refused_streamed_import_ends_with_the_error_and_stores_nothing(
    app: Sanic[Any, Any], alice: dict[str, str]
) -> None:
    body = {"format": "csv", "content": "title,year\nSilent River,\nNo Such Film,\n"}
    _, reply = await app.asgi_client.post("/favorites/import", json=body, headers=alice)
    last = lines(reply.body)[-1]
    assert last["status"] == 400
    assert last["error"]["code"] == "invalid_input"
    assert len(last["error"]["details"]["skipped"]) == 1
    assert await Favorite.all().count() == 0


async def test_a_bad_body_is_a_plain_400_before_any_streaming(
    app: Sanic[Any, Any], alice: dict[str, str]
) -> None:
    _, reply = await app.asgi_client.post(
        "/favorites/import", json={"format": "xml", "content": "[]"}, headers=alice
    )
    assert reply.status == 400
    assert reply.json["error"]["code"] == "invalid_input"
