"""The practical ceiling: a bare Sanic app answering one small JSON body.

``bench/load.py`` runs it with the same worker count as movierec, on the same machine,
in the same run, so the movierec figures can be read against what Sanic itself does here.
"""

from __future__ import annotations

import argparse

from sanic import Request, Sanic
from sanic.response import HTTPResponse, json

app = Sanic("ceiling")


@app.get("/")
async def hello(request: Request) -> HTTPResponse:
    """A constant JSON reply of the same order of size as ``/health``."""
    return json({"status": "ok", "version": "0.0.0", "cache": {"backend": "none", "ok": True}})


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    app.run(
        host="127.0.0.1",
        port=args.port,
        workers=args.workers,
        access_log=False,
        motd=False,
        single_process=args.workers == 1,
    )
