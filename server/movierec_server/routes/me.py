"""``/me``: the caller's own account."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, empty, json
from sanic_ext import openapi

from movierec import AccountDeletion, PasswordChange, ProfileUpdate, TokenPair, UserView
from movierec_server.auth import require_user
from movierec_server.bodies import parse_body
from movierec_server.context import movierec
from movierec_server.middleware.proxy import client_ip
from movierec_server.spec import json_content

bp = Blueprint("me", url_prefix="/me")


@bp.get("")
@openapi.summary("Your profile")
@openapi.tag("accounts")
@openapi.response(200, json_content(UserView), "your account")
@require_user
async def show(request: Request) -> HTTPResponse:
    """The caller's account and preferences."""
    user = await movierec(request).profiles.get(request.ctx.principal)
    return json(user.model_dump(mode="json"))


@bp.patch("")
@openapi.summary("Update your profile")
@openapi.tag("accounts")
@openapi.body(json_content(ProfileUpdate), required=True)
@openapi.response(200, json_content(UserView), "the updated account")
@openapi.response(400, description="a field breaks a rule")
@openapi.response(409, description="email taken")
@require_user
async def update(request: Request) -> HTTPResponse:
    """Change email, display name or preferences (genres, language, region)."""
    body = parse_body(request, ProfileUpdate)
    user = await movierec(request).profiles.update(request.ctx.principal, body)
    return json(user.model_dump(mode="json"))


@bp.delete("", ignore_body=False)
@openapi.summary("Delete your account")
@openapi.tag("accounts")
@openapi.body(json_content(AccountDeletion), required=True)
@openapi.response(204, None, "deleted, with favorites, recommendations and sessions")
@openapi.response(400, description="wrong password")
@require_user
async def delete(request: Request) -> HTTPResponse:
    """Delete the account; the password confirms it."""
    body = parse_body(request, AccountDeletion)
    await movierec(request).profiles.delete(
        request.ctx.principal, body.password, ip=client_ip(request)
    )
    return empty(status=204)


@bp.post("/password")
@openapi.summary("Change your password")
@openapi.tag("accounts")
@openapi.body(json_content(PasswordChange), required=True)
@openapi.response(200, json_content(TokenPair), "new tokens; other sessions ended")
@openapi.response(400, description="wrong current password or weak new one")
@require_user
async def change_password(request: Request) -> HTTPResponse:
    """Set a new password; every other session is logged out."""
    body = parse_body(request, PasswordChange)
    pair = await movierec(request).profiles.change_password(
        request.ctx.principal, body.current_password, body.new_password, ip=client_ip(request)
    )
    return json(pair.model_dump(mode="json"))
