"""The Sanic app factory and the server runners.

``create_app(settings)`` builds a fresh app (no global app at import time). Each worker
opens one ``MovieRec`` in ``before_server_start`` and closes it in ``after_server_stop``.
``run_server`` is the master process (:mod:`movierec_server.supervisor`); ``serve_worker``
is one worker, serving on the socket the master bound.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import os
import socket
from pathlib import Path
from typing import Any

import orjson
from sanic import Request, Sanic
from sanic.response import HTTPResponse, json
from sanic_ext import openapi
from sanic_ext.extensions.openapi.builders import SpecificationBuilder

from movierec import MovieId, MovieRec, Settings, UserId, __version__, checked
from movierec_server import (
    apidocs,
    auth,
    draining,
    errors,
    hotpath,
    middleware,
    observability,
    spec,
)
from movierec_server.pipeline import Pipeline
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
from movierec_server.supervisor import ServeOptions, Supervisor
from movierec_server.workers import WorkerPool

__all__ = ["create_app", "run_server", "serve_worker"]

_app_numbers = itertools.count()


def _dumps(value: Any, **_: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


PATH_IDS: dict[str, Any] = {"movie_id": MovieId, "user_id": UserId}
"""The library's validated type of every integer a route's path carries (each names a
stored row); a test checks that no route has an integer this table does not name."""


def _bound_path_ids(pipeline: Pipeline) -> None:
    """An id in a path outside its type's range (``/admin/users/2147483648``, ``/favorites/0``)
    is bad input: the library's 400, naming the field, before it can reach the database
    (where it would be a driver error, not an outage)."""

    @pipeline.on_request(priority=900)
    def bound_ids(request: Request) -> None:
        for name, value in request.match_info.items():
            if isinstance(value, int):
                checked(PATH_IDS[name], name, value)


def create_app(
    settings: Settings | None = None,
    *,
    movierec: MovieRec | None = None,
    name: str | None = None,
    workers: WorkerPool | None = None,
    fast_path: bool = True,
) -> Sanic[Any, Any]:
    """Build the HTTP app.

    ``movierec`` lets a caller (tests, an embedding program) pass an already-open
    instance; the app then neither opens nor closes it. ``workers`` is the supervisor's
    state folder when this app is one worker of ``movierec serve``. ``fast_path=False``
    answers every request through Sanic's full cycle, hot replies included
    (:mod:`movierec_server.hotpath`).
    """
    resolved = settings or (movierec.settings if movierec else Settings.load())
    app: Sanic[Any, Any] = Sanic(name or f"movierec_{next(_app_numbers)}", dumps=_dumps)
    app.config.REQUEST_MAX_SIZE = resolved.max_body_bytes
    app.config.FALLBACK_ERROR_FORMAT = "json"
    apidocs.configure(app)
    app.config.CORS = False
    app.config.GRACEFUL_SHUTDOWN_TIMEOUT = resolved.shutdown_grace
    app.ext.openapi.describe(
        "movierec API",
        version=__version__,
        description="Personalized movie recommendations: discovery, accounts, favorites.",
    )
    app.ctx.settings = resolved
    app.ctx.workers = workers
    errors.install(app)
    if workers is not None:
        _report_to_supervisor(app, workers)

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

    pipeline = Pipeline()
    _bound_path_ids(pipeline)

    @pipeline.on_request(priority=100)
    def enter_database(request: Request) -> None:
        request.app.ctx.movierec.db.enter()

    def openapi_document(request: Request) -> HTTPResponse:
        return json(spec.complete(SpecificationBuilder().build(request.app).serialize()))

    @app.get("/openapi.json")
    @openapi.exclude()
    async def openapi_json(request: Request) -> HTTPResponse:
        """The OpenAPI document (also at /docs/openapi.json)."""
        return openapi_document(request)

    apidocs.install(app, openapi_document)

    # --- foundation
    app.blueprint(health.bp)

    # --- discovery
    app.blueprint(movies.bp)

    # --- accounts
    auth.install(app)
    middleware.install(pipeline, resolved)
    app.blueprint(auth_routes.bp)
    app.blueprint(me.bp)
    app.blueprint(admin_users.bp)

    # --- favorites
    app.blueprint(favorites.bp)

    # --- recommendations
    app.blueprint(recommendations.bp)

    # --- operations
    metrics = observability.install(app, pipeline)
    if fast_path:
        hotpath.install(app, resolved, metrics)
    pipeline.install(app)  # one request hook and one response hook run every step
    app.blueprint(operations.bp)

    return app


def _report_to_supervisor(app: Sanic[Any, Any], workers: WorkerPool) -> None:
    """Tell the supervisor when this worker serves; stop if the supervisor is gone."""
    master = os.getppid()

    async def watch_master() -> None:
        while os.getppid() == master:  # noqa: ASYNC110 (no event tells a parent died)
            await asyncio.sleep(1.0)
        app.stop(terminate=False)  # orphaned: nobody would ever stop or count us

    @app.after_server_start
    async def ready(app: Sanic[Any, Any]) -> None:
        workers.mark_ready(os.getpid())
        app.ctx.watch_master = asyncio.create_task(watch_master())

    @app.before_server_stop
    async def leaving(app: Sanic[Any, Any]) -> None:
        workers.forget(os.getpid())
        app.ctx.watch_master.cancel()


def run_server(
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    ssl: dict[str, str] | None = None,
    access_log: bool = False,
) -> int:
    """Serve until stopped (the master process); returns the exit code.

    The supervisor migrates once, binds the socket, runs ``workers`` worker processes
    and replaces those that die; see :mod:`movierec_server.supervisor`.
    """
    options = ServeOptions(host=host, port=port, workers=workers, ssl=ssl, access_log=access_log)
    return Supervisor(settings, options).run()


def serve_worker(
    settings: Settings,
    *,
    listen_fd: int,
    state_dir: str,
    ssl: dict[str, str] | None = None,
    access_log: bool = False,
) -> None:
    """One worker process: a single-process Sanic server on the master's socket.

    The master has migrated already, so the worker never does. Its connections use
    :class:`~movierec_server.draining.DrainingHttpProtocol`, so a stop answers every
    connection it accepted.
    """
    sock = socket.socket(fileno=listen_fd)
    worker_settings = settings.model_copy(update={"auto_migrate": False})
    app = create_app(worker_settings, name="movierec", workers=WorkerPool(Path(state_dir)))
    draining.install(app)

    @app.after_server_start
    async def freeze_start_up_objects(app: Sanic[Any, Any]) -> None:
        # What start-up built (modules, the app, the routes, the services: ~130k
        # objects) lives as long as the worker; a full collection walking it took
        # 0.3-0.4 s on the loaded 2-core machine (docs/benchmarks.md), a stall of every
        # request in flight. Frozen, later collections walk what requests create only.
        gc.collect()
        gc.freeze()

    app.prepare(
        sock=sock,
        ssl=ssl,
        access_log=access_log,
        motd=False,
        single_process=True,
        protocol=draining.DrainingHttpProtocol,
    )
    Sanic.serve_single(app)
