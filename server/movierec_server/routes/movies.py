"""``/movies/*``: public discovery routes (trending, search, details, genres).

Each route reads the query, calls one ``mr.movies`` method and returns its JSON, with
``source``, ``cached`` and ``stale`` in the body and a ``Cache-Control`` aligned with the
library's cache lifetime for that kind of answer (a stale answer is only cached briefly,
so clients come back once the provider recovers).

Replies read from the shared cache are kept as encoded bytes in the worker's first cache
level (``mr.hot``, a few seconds), with their route pattern and encoded head: the next
identical request is a dictionary lookup, answered at the connection
(:mod:`movierec_server.hotpath`) or, on ASGI, by the route.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

import orjson
from pydantic import BaseModel
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, raw
from sanic_ext import openapi

from movierec import (
    MAX_PAGE,
    MAX_YEAR,
    MIN_YEAR,
    GenreList,
    HotReply,
    InvalidInput,
    MovieInfo,
    MoviePage,
)
from movierec_server.context import movierec
from movierec_server.hotpath import hot_head, hot_key
from movierec_server.observability import route_of
from movierec_server.spec import json_content

bp = Blueprint("movies", url_prefix="/movies")

STALE_MAX_AGE = 60


_PAGE = json_content(MoviePage)
_ERRORS = {
    400: "invalid query parameter (the error body names it)",
    404: "no movie with this id",
    503: "no source: TMDb down with nothing cached, the database down, or the offline "
    "catalog empty (`catalog_empty`: run `movierec catalog import movielens`)",
}


def _documented_errors(*statuses: int) -> Any:
    """Describe the error statuses (their body is the shared JSON error body)."""

    def decorate(handler: Any) -> Any:
        for status in statuses:
            handler = openapi.response(status, description=_ERRORS[status])(handler)
        return handler

    return decorate


def _int_arg(request: Request, name: str, default: int | None) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput.field(name, "must be an integer") from None


def _cache_control(max_age: int) -> str:
    return f"public, max-age={max_age}"


def _send(reply: HotReply) -> HTTPResponse:
    headers = {"Cache-Control": _cache_control(reply.max_age)}
    return raw(reply.body, content_type="application/json", headers=headers)


def _served_hot(handler: Callable[..., Awaitable[HTTPResponse]]) -> Any:
    """Answer from the worker's first cache level when it holds this exact request."""

    @wraps(handler)
    async def serve(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
        reply = movierec(request).hot.get(hot_key(request))
        if reply is not None:
            return _send(reply)
        return await handler(request, *args, **kwargs)

    return serve


def _reply(request: Request, body: BaseModel, ttl: int) -> HTTPResponse:
    stale = bool(getattr(body, "stale", False))
    max_age = min(ttl, STALE_MAX_AGE) if stale else ttl
    encoded = orjson.dumps(body.model_dump(mode="json"))
    if getattr(body, "cached", False) and not stale:
        # kept with what the connection's hot path sends with it (movierec_server.hotpath)
        head = hot_head(_cache_control(max_age))
        reply = HotReply(encoded, max_age, route_of(request), head)
        movierec(request).hot.put(hot_key(request), reply, ttl)
        return _send(reply)
    return _send(HotReply(encoded, max_age))


@bp.get("/trending")
@openapi.summary("Trending movies of the day or week")
@openapi.description(
    "From TMDb when configured, else the offline catalog (the most rated movies in the "
    "latest window of the MovieLens data; `note` says which window)."
)
@openapi.tag("movies")
@openapi.parameter("window", openapi.String(enum=["day", "week"], default="week"), "query")
@openapi.parameter("page", openapi.Integer(minimum=1, maximum=MAX_PAGE, default=1), "query")
@openapi.response(200, _PAGE, "one page of movies")
@_documented_errors(400, 503)
@_served_hot
async def trending(request: Request) -> HTTPResponse:
    """Trending movies (cached 15 minutes by default)."""
    mr = movierec(request)
    page = await mr.movies.trending(
        window=request.args.get("window", "week"), page=_int_arg(request, "page", 1) or 0
    )
    return _reply(request, page, mr.settings.ttl_trending)


@bp.get("/search")
@openapi.summary("Search movies by title")
@openapi.description("Case- and accent-insensitive; `year` restricts to a release year.")
@openapi.tag("movies")
@openapi.parameter("q", openapi.String(minLength=1, maxLength=200), "query", required=True)
@openapi.parameter("page", openapi.Integer(minimum=1, maximum=MAX_PAGE, default=1), "query")
@openapi.parameter("year", openapi.Integer(minimum=MIN_YEAR, maximum=MAX_YEAR), "query")
@openapi.response(200, _PAGE, "one page of matches, best first")
@_documented_errors(400, 503)
@_served_hot
async def search(request: Request) -> HTTPResponse:
    """Title search (cached 1 hour by default)."""
    mr = movierec(request)
    page = await mr.movies.search(
        request.args.get("q", ""),
        page=_int_arg(request, "page", 1) or 0,
        year=_int_arg(request, "year", None),
    )
    return _reply(request, page, mr.settings.ttl_search)


@bp.get("/genres")
@openapi.summary("Every movie genre")
@openapi.tag("movies")
@openapi.response(200, json_content(GenreList), "TMDb genre ids and names")
@_documented_errors(503)
@_served_hot
async def genres(request: Request) -> HTTPResponse:
    """The genre list (cached 7 days by default)."""
    mr = movierec(request)
    return _reply(request, await mr.movies.genres(), mr.settings.ttl_genres)


@bp.get("/<movie_id:int>")
@openapi.summary("One movie's details")
@openapi.tag("movies")
@openapi.parameter("movie_id", openapi.Integer(minimum=1), "path", required=True)
@openapi.response(200, json_content(MovieInfo), "the movie")
@_documented_errors(400, 404, 503)
@_served_hot
async def details(request: Request, movie_id: int) -> HTTPResponse:
    """Movie details by TMDb id (cached 24 hours by default)."""
    mr = movierec(request)
    return _reply(request, await mr.movies.details(movie_id), mr.settings.ttl_details)
