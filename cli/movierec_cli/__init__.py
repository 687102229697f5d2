"""The ``movierec`` terminal app: a thin Typer + Rich frontend over the library."""

from typing import Any

from movierec_cli.entry import main

__all__ = ["app", "main"]


def __getattr__(name: str) -> Any:
    if name == "app":  # the command tree loads on first use, not with the package
        from movierec_cli.app import app

        globals()["app"] = app  # the Typer app, not the submodule the import just bound
        return app
    raise AttributeError(f"module 'movierec_cli' has no attribute {name!r}")
