"""``/movies/recommendations``: the caller's personalized list, and dismissing an item.

Registered next to discovery's ``/movies/<movie_id:int>``: the int-typed parameter never
matches ``recommendations``, so neither route shadows the other.
"""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json
from sanic_ext import openapi

from movierec import (
    MAX_PAGE,
    MAX_PAGE_SIZE,
    Dismissed,
    PageNo,
    PageSize,
    RecommendationList,
)
from movierec_server.auth import require_user
from movierec_server.bodies import query_checked
from movierec_server.context import movierec
from movierec_server.pages import encoded_page_reply
from movierec_server.spec import json_content

bp = Blueprint("recommendations", url_prefix="/movies/recommendations")


@bp.get("")
@openapi.summary("Your recommendations")
@openapi.description(
    "A page of your personalized list (at most 100 items in all), each item with its "
    "reason. Cached until your favorites or preferences change, or for an hour; `cached` "
    "says whether this answer came from the cache."
)
@openapi.tag("recommendations")
@openapi.parameter("page", openapi.Integer(minimum=1, maximum=MAX_PAGE, default=1), "query")
@openapi.parameter("size", openapi.Integer(minimum=1, maximum=MAX_PAGE_SIZE, default=20), "query")
@openapi.response(200, json_content(RecommendationList), "one page of your list")
@openapi.response(400, description="bad page or size")
@require_user
async def recommendations(request: Request) -> HTTPResponse:
    """One page of the caller's recommendations."""
    page = query_checked(request, "page", 1, PageNo)
    size = query_checked(request, "size", 20, PageSize)
    body = await movierec(request).recommend.page_json(
        request.ctx.principal, stamp=request.ctx.user_stamp, page=page, size=size
    )
    return encoded_page_reply(body)


@bp.post("/<movie_id:int>/dismiss")
@openapi.summary("Never recommend this movie again")
@openapi.tag("recommendations")
@openapi.response(200, json_content(Dismissed), "dismissed (or already was)")
@openapi.response(400, description="bad movie id")
@require_user
async def dismiss(request: Request, movie_id: int) -> HTTPResponse:
    """Dismiss a movie from the caller's recommendations, for good."""
    result = await movierec(request).recommend.dismiss(request.ctx.principal, movie_id)
    return json(result.model_dump(mode="json"))
