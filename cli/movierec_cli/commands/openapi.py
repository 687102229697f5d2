"""``movierec openapi``: print the HTTP API's OpenAPI document."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    pass
from movierec_cli.options import JsonOption
from movierec_cli.render import console, print_message
from movierec_cli.runner import fail


def openapi(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
    json: JsonOption = False,
) -> None:
    """Print the OpenAPI document of the HTTP API (always JSON).

    `movierec openapi > docs/openapi.json` refreshes the checked-in copy.
    """
    from movierec import ServiceUnavailable

    # The server is its own program: ask it for the document instead of importing it.
    result = subprocess.run(
        [sys.executable, "-m", "movierec_server", "--openapi"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        fail(ServiceUnavailable(f"could not build the OpenAPI document: {last}"))
    if output is None:
        console.file.write(result.stdout)
        console.file.flush()
    else:
        output.write_text(result.stdout, encoding="utf-8")
        print_message(f"wrote {output}")
