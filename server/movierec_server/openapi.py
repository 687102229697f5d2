"""Export the OpenAPI document without serving (``python -m movierec_server --openapi``).

The spec is built by sanic-ext when the app starts, so this starts a throwaway app on an
in-memory database through the ASGI interface, asks it for ``/openapi.json`` and stops it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import tempfile
from pathlib import Path
from typing import Any

import orjson

from movierec import Settings
from movierec_server.app import create_app

__all__ = ["export_openapi", "openapi_document"]

Message = dict[str, Any]


async def _asgi_get(app: Any, path: str) -> bytes:
    """Run lifespan start-up, one GET, lifespan shut-down; returns the body."""
    lifespan_in: asyncio.Queue[Message] = asyncio.Queue()
    lifespan_out: asyncio.Queue[Message] = asyncio.Queue()
    lifespan = asyncio.create_task(
        app({"type": "lifespan", "asgi": {"version": "3.0"}}, lifespan_in.get, lifespan_out.put)
    )
    await lifespan_in.put({"type": "lifespan.startup"})
    started = await lifespan_out.get()
    if started["type"] != "lifespan.startup.complete":
        raise RuntimeError(f"app did not start: {started}")
    body = bytearray()
    status = 0

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            body.extend(message.get("body", b""))

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"localhost")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    await app(scope, receive, send)
    await lifespan_in.put({"type": "lifespan.shutdown"})
    await lifespan_out.get()
    await lifespan
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}")
    return bytes(body)


async def openapi_document() -> dict[str, Any]:
    """The API's OpenAPI document, as the server would serve it."""
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_url="sqlite://:memory:",
            data_dir=Path(folder) / "data",
            config_dir=Path(folder) / "config",
            jwt_secret="openapi-export-" + "x" * 32,
        )
        app = create_app(settings, name="movierec_openapi_export")
        logging.getLogger("sanic.root").setLevel(logging.WARNING)  # no start-up banner
        document: dict[str, Any] = orjson.loads(await _asgi_get(app, "/openapi.json"))
        return document


def export_openapi() -> str:
    """The OpenAPI document as stable, indented JSON text (what docs/openapi.json holds)."""
    with contextlib.redirect_stdout(sys.stderr):  # stdout must hold the JSON only
        document = asyncio.run(openapi_document())
    return orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode() + "\n"
