"""Command line of the server process (``python -m movierec_server``)."""

from __future__ import annotations

import argparse
import sys

from movierec import MovieRecError, Settings
from movierec_server.observability import configure_logging


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, load settings, serve until stopped; exits with the supervisor's code."""
    parser = argparse.ArgumentParser(prog="movierec serve", description="Serve the movierec API.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--access-log", action="store_true")
    parser.add_argument(
        "--openapi", action="store_true", help="print the OpenAPI document as JSON and exit"
    )
    # Set by the supervisor on the worker processes it starts.
    parser.add_argument("--worker-fd", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--state-dir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.openapi:
        from movierec_server.openapi import export_openapi

        sys.stdout.write(export_openapi())
        return
    try:
        settings = Settings.load()
    except MovieRecError as exc:
        sys.stderr.write(f"error: {exc.message}\n")
        raise SystemExit(exc.exit_code) from None
    configure_logging(settings)
    ssl = {"cert": args.cert, "key": args.key} if args.cert and args.key else None
    if args.worker_fd is not None and args.state_dir:
        from movierec_server.app import serve_worker  # the master never loads Sanic

        serve_worker(
            settings,
            listen_fd=args.worker_fd,
            state_dir=args.state_dir,
            ssl=ssl,
            access_log=args.access_log,
        )
        return
    from movierec_server.supervisor import ServeOptions, Supervisor

    raise SystemExit(
        Supervisor(
            settings,
            ServeOptions(
                host=args.host,
                port=args.port,
                workers=args.workers,
                ssl=ssl,
                access_log=args.access_log,
            ),
        ).run()
    )
