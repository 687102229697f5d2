"""The API documentation pages (``/docs``, ``/docs/swagger``, ``/docs/redoc``), served offline.

Swagger UI comes from the ``swagger-ui-bundle`` package and ReDoc is vendored here
(``redoc/``, MIT, licence beside it), so the pages render with no network and under a
Content-Security-Policy whose scripts are ``'self'`` only. Both pages load
``/docs/openapi.json``, which answers with the same complete document as
``/openapi.json`` (sanic-ext's own handler there would serve its raw spec, whose error
``$ref`` points nowhere).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sanic import Request, Sanic
from sanic.response import HTTPResponse, file, json
from sanic_ext import openapi
from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]

from movierec import __version__
from movierec_server.spec import json_content

__all__ = ["ASSETS", "ApiIndex", "configure", "install"]

ASSETS = Path(__file__).resolve().parent
SWAGGER_UI = Path(str(swagger_ui_path))
SPEC_PATH = "/docs/openapi.json"
_OAUTH2_REDIRECT = "/docs/oauth2-redirect.html"


class ApiIndex(BaseModel):
    """``GET /``: where a visitor goes next."""

    name: str
    version: str
    docs: str
    openapi: str


def configure(app: Sanic[Any, Any]) -> None:
    """Point sanic-ext's docs pages at the packaged templates; call before ``app.ext``."""
    app.config.OAS_URL_PREFIX = "/docs"
    app.config.OAS_UI_DEFAULT = "swagger"
    app.config.OAS_PATH_TO_SWAGGER_HTML = str(ASSETS / "swagger.html")
    app.config.OAS_PATH_TO_REDOC_HTML = str(ASSETS / "redoc.html")
    app.config.OAS_UI_SWAGGER_HTML_TITLE = "movierec API"
    app.config.OAS_UI_REDOC_HTML_TITLE = "movierec API"


def install(app: Sanic[Any, Any], spec_response: Callable[[Request], HTTPResponse]) -> None:
    """Serve the assets and answer ``/docs/openapi.json`` with ``spec_response``."""
    app.static("/docs/assets/swagger-ui", SWAGGER_UI, name="docs_swagger_ui")
    app.static("/docs/assets/redoc", ASSETS / "redoc", name="docs_redoc")
    app.static("/docs/assets/docs.css", ASSETS / "docs.css", name="docs_css")
    app.static("/docs/assets/swagger-init.js", ASSETS / "swagger-init.js", name="docs_init")

    @app.get("/")
    @openapi.summary("What this server is, and where its documentation lives")
    @openapi.tag("operations")
    @openapi.response(200, json_content(ApiIndex), "the API's name, version and docs URLs")
    async def index(request: Request) -> HTTPResponse:
        """A visitor who opens the server's address finds the docs from here."""
        body = ApiIndex(
            name="movierec API", version=__version__, docs="/docs", openapi="/openapi.json"
        )
        return json(body.model_dump())

    @app.middleware("request", priority=90)
    async def docs_spec(request: Request) -> HTTPResponse | None:
        # sanic-ext registers its own handlers on these two paths; answer before they run.
        if request.path == SPEC_PATH:
            return spec_response(request)
        if request.path == _OAUTH2_REDIRECT:  # sanic-ext would fetch it from a CDN
            return await file(SWAGGER_UI / "oauth2-redirect.html")
        return None
