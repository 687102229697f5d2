"""Account inputs outside what can be stored or used are refused and change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sanic import Sanic

from movierec import InvalidInput, MovieRec
from movierec_server import create_app
from tests.helpers.factories import PASSWORD, bearer, signed_in


@pytest.fixture
def app(mr: MovieRec) -> Sanic[Any, Any]:
    return create_app(movierec=mr)


@pytest.mark.parametrize("genres", [[-1], [0], [2**63], [2**31], [1.5], [True], ["28"]])
async def test_genre_ids_outside_a_stored_id_are_a_400_that_changes_nothing(
    app: Sanic[Any, Any], mr: MovieRec, genres: list[object]
) -> None:
    pair = await signed_in(mr)
    _, ok = await app.asgi_client.patch(
        "/me", json={"preferences": {"genres": [28, 12]}}, headers=bearer(pair.access_token)
    )
    assert ok.status == 200, ok.text
    _, reply = await app.asgi_client.patch(
        "/me", json={"preferences": {"genres": genres}}, headers=bearer(pair.access_token)
    )
    assert reply.status == 400, reply.text
    assert reply.json["error"]["code"] == "invalid_input"
    principal = await mr.auth.authenticate(pair.access_token)
    assert (await mr.profiles.get(principal)).preferences.genres == (12, 28)


@pytest.mark.parametrize("password", [" " * 12, "\t\n " * 4, "\x00" * 12, "good pass\x00word"])
async def test_blank_or_nul_passwords_are_refused(mr: MovieRec, password: str) -> None:
    with pytest.raises(InvalidInput, match="blank or contain NUL"):
        await mr.auth.register("dave", "dave@example.org", password)
    pair = await signed_in(mr)
    principal = await mr.auth.authenticate(pair.access_token)
    with pytest.raises(InvalidInput, match="blank or contain NUL"):
        await mr.profiles.change_password(principal, PASSWORD, password)
    assert await mr.auth.login("alice", PASSWORD)
