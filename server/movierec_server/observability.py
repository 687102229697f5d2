"""Request ids, one access-log line per request, and request metrics.

Every reply carries ``X-Request-ID``: the caller's own value when it is a short token of
safe characters, else a fresh one. One log line per request goes to the
``movierec.access`` logger with the request id, method, route pattern, status, latency
and (when authenticated) the user id; :func:`configure_logging` renders it as JSON when
``MOVIEREC_LOG_FORMAT=json`` and as readable text otherwise.
"""

from __future__ import annotations

import itertools
import logging
import logging.handlers
import os
import re
import secrets
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import orjson
from sanic import Request, Sanic
from sanic.response import BaseHTTPResponse

from movierec import Principal, Settings, printable
from movierec_server.accesslog import ACCESS_MESSAGE, AccessWriter
from movierec_server.metrics import ServerMetrics
from movierec_server.pipeline import Pipeline

__all__ = [
    "REQUEST_ID_HEADER",
    "JsonFormatter",
    "configure_logging",
    "install",
    "record_request",
    "request_id_for",
    "route_of",
]

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
access_logger = logging.getLogger("movierec.access")


_ids: tuple[int, str, Iterator[int]] = (0, "", iter(()))


def _new_request_id() -> str:
    """32 hex digits: a random per-process prefix and a counter (no syscall per request).

    The prefix is drawn again in a forked worker, so workers never share a sequence.
    """
    global _ids
    pid, prefix, counter = _ids
    if pid != os.getpid():
        prefix, counter = secrets.token_hex(8), itertools.count()
        _ids = (os.getpid(), prefix, counter)
    return f"{prefix}{next(counter):016x}"


def request_id_for(incoming: str | None) -> str:
    """The caller's id when it is safe to echo and log, else a new one."""
    if incoming and _SAFE_ID.fullmatch(incoming):
        return incoming
    return _new_request_id()


def route_of(request: Request) -> str:
    """The matched route pattern (``/movies/<movie_id:int>``), never the raw path.

    Unmatched paths share one label so a scan cannot blow up metric cardinality.
    """
    if request.route is None:
        return "<unmatched>"
    return "/" + request.route.path.lstrip("/")


def _user_id(request: Request) -> int | None:
    for name in ("principal", "auth_outcome"):
        value = getattr(request.ctx, name, None)
        if isinstance(value, Principal):
            return value.user_id
    return None


def record_request(
    metrics: ServerMetrics,
    *,
    request_id: str,
    method: str,
    route: str,
    path: str,
    status: int,
    seconds: float,
    user_id: int | None,
) -> None:
    """Count one answered request and write its access-log line (every answer, on
    whichever path it was made, goes through here)."""
    metrics.observe(method, route, status, seconds)
    latency_ms = seconds * 1000
    fields = {
        "request_id": request_id,
        "method": method,
        "route": route,
        "path": path,
        "status": status,
        "latency_ms": round(latency_ms, 2),
        "user_id": user_id,
    }
    user = f" user={user_id}" if user_id is not None else ""
    args = (method, path, status, latency_ms, request_id, user)
    writer = _writer
    if writer is not None:  # the writer thread makes the record (accesslog)
        if access_logger.isEnabledFor(logging.INFO):
            writer.put(time.time(), args, fields)
        return
    access_logger.info(ACCESS_MESSAGE, *args, extra={"fields": fields})


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the record's ``fields``."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


class TextFormatter(logging.Formatter):
    """Readable lines; request-supplied values in the message have their control
    characters escaped, so a path or a name cannot forge a log line or drive a terminal."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging's name
        record.message = printable(record.message)
        return super().formatMessage(record)


def configure_logging(settings: Settings, level: int = logging.INFO) -> None:
    """Send movierec's logs to stderr, as JSON lines or as text (the server calls this)."""
    handler = logging.StreamHandler(sys.stderr)
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    # Records skip what no formatter here shows: the caller's file and line (a stack walk
    # per record), thread and process names (the logging HOWTO's "Optimization").
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    root = logging.getLogger("movierec")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


_writer: AccessWriter | None = None
"""The access log's writer thread when it takes queued entries (set per worker)."""


class _RecordQueueHandler(logging.handlers.QueueHandler):
    """Queues the record itself: formatting happens in the listener thread, not the loop."""

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        return record


def _queue_access_log(app: Sanic[Any, Any]) -> None:
    """In each worker, write access lines from a thread (when logging is configured).

    ``configure_logging`` gives the ``movierec`` logger its handler; the access logger
    then hands records to a queue, and a writer thread (:mod:`movierec_server.accesslog`)
    formats and writes them in batches, so a slow stderr never holds a request. With
    ``configure_logging``'s records (no caller's file and line), :func:`record_request`
    queues a tuple and the thread makes the record. Without configured handlers (tests,
    embedding programs) records propagate as usual.
    """

    @app.before_server_start
    async def start_access_queue(app: Sanic[Any, Any]) -> None:
        global _writer
        targets = logging.getLogger("movierec").handlers
        if not targets or access_logger.handlers:
            return
        writer = AccessWriter(access_logger, *targets)
        access_logger.handlers = [_RecordQueueHandler(writer.entries)]
        access_logger.propagate = False
        writer.start()
        app.ctx.access_listener = writer
        if logging._srcfile is None:
            _writer = writer

    @app.after_server_stop
    async def stop_access_queue(app: Sanic[Any, Any]) -> None:
        global _writer
        listener = getattr(app.ctx, "access_listener", None)
        if listener is not None:
            _writer = None
            listener.stop()  # writes what is queued
            access_logger.handlers = []
            access_logger.propagate = True


def install(app: Sanic[Any, Any], pipeline: Pipeline) -> ServerMetrics:
    """Register the request-id, access-log and metrics steps; returns the metrics."""
    metrics = ServerMetrics()
    app.ctx.metrics = metrics
    _queue_access_log(app)

    @pipeline.on_request(priority=1000)
    def start_request(request: Request) -> None:
        request.ctx.started = time.perf_counter()
        request.ctx.request_id = request_id_for(request.headers.get(REQUEST_ID_HEADER))

    @pipeline.on_response(priority=1000)
    def finish_request(request: Request, response: BaseHTTPResponse) -> None:
        started = getattr(request.ctx, "started", None)
        if started is None:  # the request failed before any middleware ran
            request.ctx.started = started = time.perf_counter()
            request.ctx.request_id = request_id_for(request.headers.get(REQUEST_ID_HEADER))
        request_id: str = request.ctx.request_id
        response.headers[REQUEST_ID_HEADER] = request_id
        record_request(
            metrics,
            request_id=request_id,
            method=request.method,
            route=route_of(request),
            path=request.path,
            status=response.status,
            seconds=time.perf_counter() - started,
            user_id=_user_id(request),
        )

    return metrics
