"""Option types shared by every command, so ``--json`` means the same everywhere."""

from __future__ import annotations

from typing import Annotated

import typer

from movierec_cli.runner import json_errors


def _json_chosen(value: bool) -> bool:
    """Remember ``--json`` for the error boundary: errors then print as JSON too."""
    json_errors(value)
    return value


JsonOption = Annotated[
    bool,
    typer.Option(
        "--json",
        help="Print JSON instead of a table (errors too: the HTTP API's error body, on stderr).",
        callback=_json_chosen,
    ),
]
