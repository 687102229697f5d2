"""``/movies/*`` over HTTP: public, cached, documented, JSON errors."""

from __future__ import annotations

from typing import Any

import pytest
from sanic import Sanic

from movierec import MovieRec
from movierec_server import create_app


@pytest.fixture
def app(catalog_mr: MovieRec) -> Sanic[Any, Any]:
    return create_app(movierec=catalog_mr)


async def test_trending_answers_with_source_cached_and_cache_control(
    app: Sanic[Any, Any],
) -> None:
    _, first = await app.asgi_client.get("/movies/trending?window=day")
    _, second = await app.asgi_client.get("/movies/trending", params={"window": "day"})
    assert first.status == 200
    assert [m["title"] for m in first.json["items"]] == ["Heat", "Amélie"]
    assert (first.json["source"], first.json["cached"], first.json["stale"]) == (
        "catalog",
        False,
        False,
    )
    assert second.json["cached"] is True
    assert first.headers["cache-control"] == "public, max-age=900"


async def test_search_finds_accented_titles(app: Sanic[Any, Any]) -> None:
    _, response = await app.asgi_client.get("/movies/search", params={"q": "amelie"})
    assert response.status == 200
    assert [m["title"] for m in response.json["items"]] == ["Amélie"]
    assert response.headers["cache-control"] == "public, max-age=3600"


async def test_search_filters_by_year(app: Sanic[Any, Any]) -> None:
    _, response = await app.asgi_client.get("/movies/search?q=matrix&year=1999")
    assert [m["id"] for m in response.json["items"]] == [603]
    found = response.json["items"][0]  # the offline catalog knows the year, not the date
    assert (found["release_date"], found["release_year"]) == (None, 1999)


async def test_details_by_id(app: Sanic[Any, Any]) -> None:
    _, response = await app.asgi_client.get("/movies/603")
    assert response.status == 200
    assert response.json["title"] == "The Matrix"
    assert response.json["genres"][1] == {"id": 878, "name": "Science Fiction"}
    assert response.json["source"] == "catalog"
    assert response.headers["cache-control"] == "public, max-age=86400"


async def test_genres(app: Sanic[Any, Any]) -> None:
    _, response = await app.asgi_client.get("/movies/genres")
    assert response.status == 200
    assert {"id": 28, "name": "Action"} in response.json["genres"]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/movies/trending?window=month", "window"),
        ("/movies/trending?page=0", "page"),
        ("/movies/trending?page=abc", "page"),
        ("/movies/search", "q"),
        ("/movies/search?q=%20%20", "q"),
        ("/movies/search?q=matrix&year=1800", "year"),
        ("/movies/search?q=matrix&year=soon", "year"),
        ("/movies/0", "movie_id"),
        ("/movies/99999999999", "movie_id"),
    ],
)
async def test_bad_query_parameters_are_400_naming_the_field(
    app: Sanic[Any, Any], url: str, field: str
) -> None:
    _, response = await app.asgi_client.get(url)
    assert response.status == 400
    assert response.json["error"]["code"] == "invalid_input"
    assert field in response.json["error"]["details"]["fields"]


async def test_an_unknown_movie_is_a_json_404(app: Sanic[Any, Any]) -> None:
    _, response = await app.asgi_client.get("/movies/424242")
    assert response.status == 404
    assert response.json["error"]["code"] == "not_found"


async def test_an_empty_catalog_is_a_503_telling_what_to_run(mr: MovieRec) -> None:
    app = create_app(movierec=mr)
    _, response = await app.asgi_client.get("/movies/trending")
    assert response.status == 503
    assert response.json["error"]["code"] == "catalog_empty"
    assert "movierec catalog import movielens" in response.json["error"]["message"]


async def test_the_routes_are_documented_in_openapi(app: Sanic[Any, Any]) -> None:
    _, response = await app.asgi_client.get("/openapi.json")
    paths = response.json["paths"]
    assert {"/movies/trending", "/movies/search", "/movies/genres", "/movies/{movie_id}"} <= set(
        paths
    )
    search = paths["/movies/search"]["get"]
    assert {p["name"] for p in search["parameters"]} == {"q", "page", "year"}
    assert {"200", "400", "503"} <= set(search["responses"])
    assert "404" in paths["/movies/{movie_id}"]["get"]["responses"]
