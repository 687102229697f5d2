"""The Sanic app factory and the server runner.

``create_app(settings)`` builds a fresh app (no global app at import time). Each worker
opens one ``MovieRec`` in ``before_server_start`` and closes it in ``after_server_stop``.
"""

from __future__ import annotations

import itertools
from functools import partial
from typing import Any

import orjson
from sanic import Request, Sanic
from sanic.response import HTTPResponse, json
from sanic.worker.loader import AppLoader
from sanic_ext.extensions.openapi.builders import SpecificationBuilder

from movierec import MovieRec, Settings, __version__
from movierec_server import auth, errors, middleware, observability, spec
from movierec_server.routes import (
    admin_users,
    favorites,
    health,
    me,
    movies,
    operations,
    recommendations,
)
from movierec_server.routes import auth as auth_routes

__all__ = ["create_app", "run_server"]

_app_numbers = itertools.count()


def _dumps(value: Any, **_: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def create_app(
    settings: Settings | None = None,
    *,
    movierec: MovieRec | None = None,
    name: str | None = None,
) -> Sanic[Any, Any]:
    """Build the HTTP app.

    ``movierec`` lets a caller (tests, an embedding program) pass an already-open
    instance; the app then neither opens nor closes it.
    """
    resolved = settings or (movierec.settings if movierec else Settings.load())
    app: Sanic[Any, Any] = Sanic(name or f"movierec_{next(_app_numbers)}", dumps=_dumps)
    app.config.REQUEST_MAX_SIZE = resolved.max_body_bytes
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.config.OAS_UI_DEFAULT = "swagger"
    app.config.OAS_URL_PREFIX = "/docs"
    app.config.CORS = False
    app.ext.openapi.describe(
        "movierec API",
        version=__version__,
        description="Personalized movie recommendations: discovery, accounts, favorites.",
    )
    app.ctx.settings = resolved
    errors.install(app)

    @app.before_server_start
    async def open_movierec(app: Sanic[Any, Any]) -> None:
        if movierec is not None:
            app.ctx.movierec = movierec
            app.ctx.owns_movierec = False
        else:
            app.ctx.movierec = await MovieRec(resolved).open()
            app.ctx.owns_movierec = True

    @app.after_server_stop
    async def close_movierec(app: Sanic[Any, Any]) -> None:
        if getattr(app.ctx, "owns_movierec", False):
            await app.ctx.movierec.close()

    @app.on_request(priority=100)
    async def enter_database(request: Request) -> None:
        request.app.ctx.movierec.db.enter()

    @app.get("/openapi.json")
    async def openapi_json(request: Request) -> HTTPResponse:
        """The OpenAPI document (also at /docs/openapi.json)."""
        return json(spec.complete(SpecificationBuilder().build(request.app).serialize()))

    # --- foundation
    app.blueprint(health.bp)

    # --- discovery
    app.blueprint(movies.bp)

    # --- accounts
    auth.install(app)
    middleware.install(app, resolved)
    app.blueprint(auth_routes.bp)
    app.blueprint(me.bp)
    app.blueprint(admin_users.bp)

    # --- favorites
    app.blueprint(favorites.bp)

    # --- recommendations
    app.blueprint(recommendations.bp)

    # --- operations
    observability.install(app)
    app.blueprint(operations.bp)

    return app


def run_server(
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    ssl: dict[str, str] | None = None,
    access_log: bool = False,
) -> None:
    """Serve until interrupted; each worker process builds its own app and ``MovieRec``."""
    loader = AppLoader(factory=partial(create_app, settings, name="movierec"))
    app = loader.load()
    app.prepare(
        host=host,
        port=port,
        workers=workers,
        ssl=ssl,
        access_log=access_log,
        motd=False,
        single_process=workers == 1,
    )
    Sanic.serve(primary=app, app_loader=loader)
