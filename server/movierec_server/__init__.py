"""The movierec HTTP API: a thin Sanic frontend over the library.

The names are imported on first use, so the supervisor process of ``movierec serve``
(which never serves a request) starts without loading Sanic and the routes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from movierec_server.app import create_app, run_server

__all__ = ["create_app", "run_server"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from movierec_server import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
