"""``/admin/users``: user administration (admins only).

No route here can make the *first* admin: that takes the CLI (``movierec admin create``
or ``movierec admin promote``), i.e. access to the server's database.
"""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json
from sanic_ext import openapi

from movierec import MAX_PAGE, MAX_PAGE_SIZE, AdminUserUpdate, PageNo, UserPage, UserView
from movierec_server.auth import require_admin
from movierec_server.bodies import PER_PAGE_DEPRECATION, parse_body, query_checked, query_size
from movierec_server.context import movierec
from movierec_server.middleware.proxy import client_ip
from movierec_server.pages import page_reply
from movierec_server.spec import json_content

bp = Blueprint("admin_users", url_prefix="/admin/users")


@bp.get("")
@openapi.summary("List or search users")
@openapi.tag("admin")
@openapi.parameter("q", str, "query", description="part of a username or email")
@openapi.parameter("page", int, "query", description=f"1-{MAX_PAGE}, default 1")
@openapi.parameter("size", int, "query", description=f"1-{MAX_PAGE_SIZE}, default 20")
@openapi.parameter("per_page", int, "query", description=PER_PAGE_DEPRECATION, deprecated=True)
@openapi.response(200, json_content(UserPage), "one page of users")
@require_admin
async def list_users(request: Request) -> HTTPResponse:
    """Users by id, paginated, optionally filtered by ``q``."""
    query = request.args.get("q") or None
    page = query_checked(request, "page", 1, PageNo)
    size = query_size(request, 20)
    result = await movierec(request).admin.list_users(
        request.ctx.principal, query=query, page=page, size=size
    )
    return page_reply(result)


@bp.get("/<user_id:int>")
@openapi.summary("One user")
@openapi.tag("admin")
@openapi.response(200, json_content(UserView), "the user")
@openapi.response(404, description="no such user")
@require_admin
async def show_user(request: Request, user_id: int) -> HTTPResponse:
    """A user by id."""
    user = await movierec(request).admin.get_user(request.ctx.principal, user_id)
    return json(user.model_dump(mode="json"))


@bp.patch("/<user_id:int>")
@openapi.summary("Change a user's role or active flag")
@openapi.tag("admin")
@openapi.body(json_content(AdminUserUpdate), required=True)
@openapi.response(200, json_content(UserView), "the updated user")
@openapi.response(404, description="no such user")
@openapi.response(409, description="admins cannot change themselves")
@require_admin
async def update_user(request: Request, user_id: int) -> HTTPResponse:
    """Set ``role`` (user/admin) and/or ``is_active``; deactivation ends their sessions."""
    body = parse_body(request, AdminUserUpdate)
    user = await movierec(request).admin.update_user(
        request.ctx.principal, user_id, body, ip=client_ip(request)
    )
    return json(user.model_dump(mode="json"))
