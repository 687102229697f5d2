"""The console script: ``movierec --version`` answers before any command is imported."""

from __future__ import annotations

import sys

__all__ = ["main"]


def main() -> None:
    """Console-script entry point."""
    if sys.argv[1:] == ["--version"]:
        from movierec import __version__

        sys.stdout.write(f"movierec {__version__}\n")
        return
    from movierec_cli.app import app

    app()
