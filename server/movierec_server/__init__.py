"""The movierec HTTP API: a thin Sanic frontend over the library."""

from movierec_server.app import create_app, run_server

__all__ = ["create_app", "run_server"]
