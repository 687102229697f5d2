"""Long work over HTTP as a stream of progress lines (NDJSON), ending with the result.

A client that sends ``Accept: application/x-ndjson`` to a route doing long work (a
favorites import) gets ``200`` at once and then one JSON object per line:
``{"progress": {"done": 120, "total": 5000}}`` every half second while the work runs
(which also keeps proxies from timing the connection out), and a last line that is
either ``{"result": {...}}`` or ``{"status": 400, "error": {...}}`` (the same error body
and status the plain JSON request would have had, from :func:`errors.response_for`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from pydantic import BaseModel
from sanic import Request

from movierec import Progress
from movierec_server.errors import response_for

__all__ = ["NDJSON", "stream_progress", "wants_progress"]

NDJSON = "application/x-ndjson"
INTERVAL = 0.5
"""Seconds between two progress lines."""


def wants_progress(request: Request) -> bool:
    """True when the client asked for the progress stream."""
    return NDJSON in request.headers.get("accept", "")


def _line(document: dict[str, Any]) -> bytes:
    return orjson.dumps(document) + b"\n"


async def stream_progress(
    request: Request, work: Callable[[Progress], Awaitable[BaseModel]]
) -> None:
    """Run ``work(progress)`` and stream its progress, then its result or its error."""
    response = await request.respond(content_type=NDJSON)
    latest: tuple[int, int | None] | None = None

    def progress(done: int, total: int | None, stage: str) -> None:
        nonlocal latest
        latest = (done, total)

    task = asyncio.ensure_future(work(progress))
    sent: tuple[int, int | None] | None = None
    try:
        while True:
            finished, _ = await asyncio.wait({task}, timeout=INTERVAL)
            if latest is not None and latest != sent:
                sent = latest
                await response.send(_line({"progress": {"done": sent[0], "total": sent[1]}}))
            if finished:
                break
        try:
            result = task.result()
        except Exception as exc:  # mapped exactly as the plain request would be
            failure = response_for(exc)
            body = orjson.loads(failure.body or b"{}")
            await response.send(_line({"status": failure.status, **body}))
        else:
            await response.send(_line({"result": result.model_dump(mode="json")}))
        await response.eof()
    finally:
        if not task.done():  # the client went away: stop the work (its transaction rolls back)
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
