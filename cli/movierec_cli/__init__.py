"""The ``movierec`` terminal app: a thin Typer + Rich frontend over the library."""

from movierec_cli.app import app, main

__all__ = ["app", "main"]
