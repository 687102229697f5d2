"""``movierec serve``: hand the process over to the HTTP server (``python -m movierec_server``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from movierec_cli.runner import load_settings


def serve(
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to bind.", min=0, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1, max=64)] = 1,
    cert: Annotated[Path | None, typer.Option(help="TLS certificate (PEM).", exists=True)] = None,
    key: Annotated[Path | None, typer.Option(help="TLS private key (PEM).", exists=True)] = None,
    access_log: Annotated[bool, typer.Option(help="Log every request.")] = False,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs).

    Example: movierec serve --port 8000 --workers 2
    """
    if (cert is None) != (key is None):
        raise typer.BadParameter("--cert and --key go together")
    load_settings()  # a bad setting fails here, as one line, before any worker starts
    argv = [sys.executable, "-m", "movierec_server", "--host", host, "--port", str(port)]
    argv += ["--workers", str(workers)]
    if cert and key:
        argv += ["--cert", str(cert), "--key", str(key)]
    if access_log:
        argv.append("--access-log")
    # The server is its own program; the CLI hands over the process instead of importing it.
    os.execv(sys.executable, argv)  # noqa: S606
