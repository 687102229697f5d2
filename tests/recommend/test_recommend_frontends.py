"""Recommendations over HTTP and in the terminal.

The tests that are refused or read the OpenAPI document (``@shared``) share one app per
backend for the module (``module_app``, no catalog: they are answered before any is read);
the others get the taste catalog and an app of their own.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from sanic import Sanic
from typer.testing import CliRunner

from movierec import MovieRec, Principal, Settings
from movierec.db.models import Recommendation
from movierec_cli.app import app as cli_app
from movierec_server import create_app
from tests.helpers.factories import add_favorites, bearer, cli_login, registered_user, signed_in
from tests.helpers.taste_data import action_ids, write_movielens


@pytest.fixture
def app(taste_mr: MovieRec) -> Sanic[Any, Any]:
    return create_app(movierec=taste_mr)


#: Tests on the module's shared app (they run in the module's event loop).
shared = pytest.mark.asyncio(loop_scope="module")


async def test_get_recommendations_returns_a_page_with_reasons(
    app: Sanic[Any, Any], taste_mr: MovieRec
) -> None:
    pair = await signed_in(taste_mr)
    principal = await taste_mr.auth.authenticate(pair.access_token)
    await add_favorites(taste_mr, principal, action_ids()[:5])
    _, first = await app.asgi_client.get(
        "/movies/recommendations?size=20", headers=bearer(pair.access_token)
    )
    assert first.status == 200, first.body
    body = first.json
    assert len(body["items"]) == 20
    assert body["cached"] is False
    assert body["generated_at"]
    assert all(item["reason"] for item in body["items"])
    assert not {item["movie"]["id"] for item in body["items"]} & set(action_ids()[:5])
    _, second = await app.asgi_client.get(
        "/movies/recommendations?size=20", headers=bearer(pair.access_token)
    )
    assert second.json["cached"] is True


async def test_dismissing_over_http_removes_the_movie(
    app: Sanic[Any, Any], taste_mr: MovieRec
) -> None:
    pair = await signed_in(taste_mr)
    headers = bearer(pair.access_token)
    _, listing = await app.asgi_client.get("/movies/recommendations", headers=headers)
    top = listing.json["items"][0]["movie"]["id"]
    _, dismissed = await app.asgi_client.post(
        f"/movies/recommendations/{top}/dismiss", headers=headers
    )
    assert dismissed.status == 200
    assert dismissed.json == {"movie_id": top, "created": True}
    _, after = await app.asgi_client.get("/movies/recommendations?size=50", headers=headers)
    assert top not in {item["movie"]["id"] for item in after.json["items"]}


@shared
async def test_recommendations_need_a_token_and_valid_paging(
    module_app: Sanic[Any, Any], module_mr: MovieRec
) -> None:
    app = module_app
    _, anonymous = await app.asgi_client.get("/movies/recommendations")
    assert anonymous.status == 401
    assert anonymous.json["error"]["code"] == "unauthenticated"
    pair = await signed_in(module_mr)
    for query, problem in (
        ("size=0", "must be an integer between 1 and 100"),
        ("size=101", "must be an integer between 1 and 100"),
        ("page=0", "must be an integer between 1 and 500"),
        ("page=abc", "must be an integer between 1 and 500"),
    ):
        _, bad = await app.asgi_client.get(
            f"/movies/recommendations?{query}", headers=bearer(pair.access_token)
        )
        assert bad.status == 400, query
        assert bad.json["error"]["code"] == "invalid_input"
        assert bad.json["error"]["details"]["fields"] == {query.split("=")[0]: problem}
    with module_mr.db.activate():
        assert await Recommendation.all().count() == 0


@shared
async def test_the_routes_are_documented(module_app: Sanic[Any, Any]) -> None:
    _, spec = await module_app.asgi_client.get("/openapi.json")
    paths = spec.json["paths"]
    assert "get" in paths["/movies/recommendations"]
    assert any(p.startswith("/movies/recommendations/") and "dismiss" in p for p in paths)


runner = CliRunner()


@pytest.fixture
def cli_env(config_dir: Path) -> Settings:
    """Settings of the CLI's environment on this test's backend (see test_cli_accounts)."""
    return Settings.load()


def test_the_cli_lists_explains_dismisses_and_refreshes(cli_env: Settings, tmp_path: Path) -> None:
    folder = write_movielens(tmp_path / "taste")

    async def prepare() -> None:
        async with MovieRec(cli_env) as mr:
            await mr.catalog.import_movielens(folder)
            user = await registered_user(mr, "carol")
            await add_favorites(mr, Principal.of(user), action_ids()[:5])

    asyncio.run(prepare())
    logged_in = cli_login("carol")
    assert logged_in.exit_code == 0, logged_in.output

    listed = runner.invoke(cli_app, ["recommend", "--json"])
    assert listed.exit_code == 0, listed.output
    items = json.loads(listed.stdout)["items"]
    assert len(items) == 20
    top = items[0]["movie"]["id"]

    table = runner.invoke(cli_app, ["recommend", "--explain"])
    assert table.exit_code == 0, table.output
    assert "because you liked" in table.stdout
    assert "score" not in table.stdout  # ranks: re-ranking for variety leaves scores unordered
    assert "ranked for relevance and variety" in table.stdout

    dismissed = runner.invoke(cli_app, ["recommend", "dismiss", str(top), "--json"])
    assert dismissed.exit_code == 0, dismissed.output
    assert json.loads(dismissed.stdout) == {"movie_id": top, "created": True}
    again = runner.invoke(cli_app, ["recommend", "--json"])
    assert top not in {item["movie"]["id"] for item in json.loads(again.stdout)["items"]}

    refreshed = runner.invoke(cli_app, ["recommend", "refresh", "--all", "--json"])
    assert refreshed.exit_code == 0, refreshed.output
    assert json.loads(refreshed.stdout)["refreshed"] == 1
    refused = runner.invoke(cli_app, ["recommend", "refresh"])
    assert refused.exit_code == 2


def test_the_cli_needs_a_login(cli_env: Settings) -> None:
    result = runner.invoke(cli_app, ["recommend"])
    assert result.exit_code == 5
    assert "Traceback" not in result.output
