"""TMDb as it really answers: flagged entries, page caps, unknown runtimes, error bodies."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from movierec import UpstreamError, UpstreamUnavailable
from movierec.testing import FakeTMDb
from movierec.testing.fixtures import FakeMovie
from movierec.tmdb import TMDbClient
from movierec.tmdb.errors import error_for_reply
from movierec.tmdb.responses import parse_page
from movierec_server import create_app
from tests.conftest import MakeMovieRec, fast_retries

WRESTLING = FakeMovie(
    1400001, "WWE: The Fight Club Rumble", "2019-01-27", (99,), 999.0, 7.0, 99999, video=True
)
IMAGES = "https://image.tmdb.org/t/p/"

# The shape of a /discover/movie reply captured from TMDb v3 (one entry kept).
DISCOVER_REPLY: dict[str, Any] = {
    "page": 1,
    "results": [
        {
            "adult": False,
            "backdrop_path": "/hZkgoQYus5vegHoetLkCJzb17zJ.jpg",
            "genre_ids": [18],
            "id": 550,
            "original_language": "en",
            "original_title": "Fight Club",
            "overview": "A ticking-time-bomb insomniac ...",
            "popularity": 73.433,
            "poster_path": "/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg",
            "release_date": "1999-10-15",
            "title": "Fight Club",
            "video": False,
            "vote_average": 8.4,
            "vote_count": 26280,
        },
        {
            "adult": True,
            "genre_ids": [],
            "id": 1400002,
            "original_title": "Adult Feature",
            "overview": "",
            "popularity": 0.6,
            "poster_path": None,
            "release_date": "",
            "title": "Adult Feature",
            "video": False,
            "vote_average": 0,
            "vote_count": 0,
        },
    ],
    "total_pages": 38020,
    "total_results": 760385,
}


async def tmdb_client(make_mr: MakeMovieRec, fake: FakeTMDb, **overrides: Any) -> TMDbClient:
    mr = await make_mr(**fake.settings_overrides(), **fast_retries(**overrides))
    assert mr.tmdb is not None
    return mr.tmdb


def test_total_pages_is_capped_at_the_500_tmdb_serves() -> None:
    page = parse_page(DISCOVER_REPLY, "/discover/movie", IMAGES, "w500")
    assert page.total_pages == 500
    assert page.total == 760385


def test_adult_entries_are_dropped_unless_included() -> None:
    hidden = parse_page(DISCOVER_REPLY, "/discover/movie", IMAGES, "w500")
    assert [m.id for m in hidden.items] == [550]
    shown = parse_page(DISCOVER_REPLY, "/discover/movie", IMAGES, "w500", include_adult=True)
    assert [(m.id, m.adult) for m in shown.items] == [(550, False), (1400002, True)]


async def test_video_entries_are_hidden_from_trending_by_default(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb
) -> None:
    fake_tmdb.add(WRESTLING)
    tmdb = await tmdb_client(make_mr, fake_tmdb)
    page = await tmdb.trending("day")
    assert WRESTLING.id not in {m.id for m in page.items}
    assert page.items  # the films are still there


async def test_video_entries_show_when_the_setting_allows(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb
) -> None:
    fake_tmdb.add(WRESTLING)
    tmdb = await tmdb_client(make_mr, fake_tmdb, tmdb_include_video=True)
    page = await tmdb.trending("day")
    top = page.items[0]
    assert (top.id, top.video) == (WRESTLING.id, True)


async def test_adult_search_results_show_when_the_setting_allows(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb
) -> None:
    tmdb = await tmdb_client(make_mr, fake_tmdb, tmdb_include_adult=True)
    page = await tmdb.search("adult feature")
    assert [(m.title, m.adult) for m in page.items] == [("An Adult Feature", True)]
    assert fake_tmdb.requests[-1].query["include_adult"] == "true"


async def test_a_runtime_of_zero_is_unknown(make_mr: MakeMovieRec, fake_tmdb: FakeTMDb) -> None:
    fake_tmdb.add(FakeMovie(1400003, "Short Notice", "2024-05-01", (18,), 1.0, 6.0, 3, runtime=0))
    tmdb = await tmdb_client(make_mr, fake_tmdb)
    details = await tmdb.details(1400003)
    assert details.runtime is None


def test_a_422_keeps_tmdbs_reasons() -> None:
    body = b'{"errors": ["query must be provided"], "success": false}'
    error = error_for_reply(422, body, "/search/movie")
    assert isinstance(error, UpstreamError)
    assert "query must be provided" in error.message
    assert error.details["tmdb_message"] == "query must be provided"


def test_the_auth_hint_names_the_variables_users_set() -> None:
    body = b'{"status_code": 7, "status_message": "Invalid API key", "success": false}'
    message = error_for_reply(401, body, "/trending/movie/day").message
    assert "TMDB_API_KEY" in message
    assert "TMDB_READ_ACCESS_TOKEN" in message


async def test_a_429_with_retry_after_keeps_it_over_http(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb
) -> None:
    mr = await make_mr(**fake_tmdb.settings_overrides(), **fast_retries(tmdb_max_retries=0))
    fake_tmdb.fail_next(3, status=429, retry_after=17)
    assert mr.tmdb is not None
    with pytest.raises(UpstreamUnavailable) as caught:
        await mr.tmdb.trending("week")
    assert caught.value.retry_after == 17
    app = create_app(movierec=mr)
    _, reply = await app.asgi_client.get("/movies/trending", params={"window": "day"})
    assert reply.status == 503
    assert reply.headers["retry-after"] == "17"


async def test_a_rejected_tmdb_key_is_logged_for_the_operator_not_told_to_clients(
    make_mr: MakeMovieRec, fake_tmdb: FakeTMDb, caplog: pytest.LogCaptureFixture
) -> None:
    overrides = fake_tmdb.settings_overrides("api_key")
    overrides["tmdb_api_key"] = "wrong"
    mr = await make_mr(**overrides, **fast_retries())
    app = create_app(movierec=mr)
    with caplog.at_level(logging.ERROR, logger="movierec.server"):
        _, reply = await app.asgi_client.get("/movies/trending")
    assert reply.status == 502
    assert reply.json["error"]["code"] == "upstream_auth"
    assert "TMDB_API_KEY" not in reply.json["error"]["message"]
    assert any("TMDB_API_KEY" in record.getMessage() for record in caplog.records)
