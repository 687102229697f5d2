"""``/auth``: register, log in, refresh, log out."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, empty, json
from sanic_ext import openapi

from movierec import LoginInput, LogoutInput, RefreshInput, RegisterInput, TokenPair, UserView
from movierec_server.auth import require_user
from movierec_server.bodies import parse_body
from movierec_server.context import movierec
from movierec_server.middleware.proxy import client_ip
from movierec_server.spec import json_content

bp = Blueprint("auth", url_prefix="/auth")


@bp.post("/register")
@openapi.summary("Create an account")
@openapi.tag("accounts")
@openapi.body(json_content(RegisterInput), required=True)
@openapi.response(201, json_content(UserView), "the new account")
@openapi.response(400, description="a field breaks a rule (details.fields names it)")
@openapi.response(409, description="username or email taken")
async def register(request: Request) -> HTTPResponse:
    """Register with a username, an email and a password."""
    body = parse_body(request, RegisterInput)
    user = await movierec(request).auth.register(body.username, body.email, body.password)
    return json(user.model_dump(mode="json"), status=201)


@bp.post("/login")
@openapi.summary("Log in: get an access and a refresh token")
@openapi.tag("accounts")
@openapi.body(json_content(LoginInput), required=True)
@openapi.response(200, json_content(TokenPair), "the tokens")
@openapi.response(401, description="invalid username or password")
@openapi.response(429, description="too many failed logins (see Retry-After)")
async def login(request: Request) -> HTTPResponse:
    """Log in by username or email."""
    body = parse_body(request, LoginInput)
    pair = await movierec(request).auth.login(body.username, body.password, ip=client_ip(request))
    return json(pair.model_dump(mode="json"))


@bp.post("/refresh")
@openapi.summary("Trade a refresh token for a new token pair")
@openapi.tag("accounts")
@openapi.body(json_content(RefreshInput), required=True)
@openapi.response(200, json_content(TokenPair), "the new tokens")
@openapi.response(401, description="invalid, expired, revoked or reused refresh token")
async def refresh(request: Request) -> HTTPResponse:
    """Rotate the refresh token: the one sent stops working."""
    body = parse_body(request, RefreshInput)
    pair = await movierec(request).auth.refresh(body.refresh_token, ip=client_ip(request))
    return json(pair.model_dump(mode="json"))


@bp.post("/logout")
@openapi.summary("Log out: end this session")
@openapi.tag("accounts")
@openapi.body(json_content(LogoutInput))
@openapi.response(204, None, "logged out")
@require_user
async def logout(request: Request) -> HTTPResponse:
    """Revoke this login's refresh tokens and the access token used."""
    body = parse_body(request, LogoutInput, optional=True)
    await movierec(request).auth.logout(
        request.ctx.principal, body.refresh_token, ip=client_ip(request)
    )
    return empty(status=204)
