"""The practical ceiling: a bare Sanic app answering one constant JSON body.

``bench/load.py`` and ``bench/request_path.py`` run it with the same worker count as
movierec, on the same machine, in the same run, so the movierec figures can be read
against what Sanic itself does here. ``--body FILE`` serves that file's bytes (the
request-path bench passes movierec's own cached trending page), else a small body of
the size of ``/health``.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from sanic import Request, Sanic
from sanic.response import HTTPResponse, raw

app = Sanic("ceiling")
BODY = b'{"status":"ok","version":"0.0.0","cache":{"backend":"none","ok":true}}'


@app.before_server_start
async def load_body(app: Sanic) -> None:  # type: ignore[type-arg]
    """Each worker reads the body once."""
    source = app.config.get("CEILING_BODY")
    app.ctx.body = Path(source).read_bytes() if source else BODY  # noqa: ASYNC240 - start-up


@app.get("/")
async def hello(request: Request) -> HTTPResponse:
    """The constant body, as JSON."""
    return raw(request.app.ctx.body, content_type="application/json")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--body", default="", help="a file whose bytes every reply carries")
    args = parser.parse_args()
    os.environ["SANIC_CEILING_BODY"] = args.body  # workers are fresh processes: via env
    app.run(
        host="127.0.0.1",
        port=args.port,
        workers=args.workers,
        access_log=False,
        motd=False,
        single_process=args.workers == 1,
    )
