"""Option types shared by every command, so ``--json`` means the same everywhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer
from typer._click import Context, Parameter

from movierec_cli.runner import fail, json_errors


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


def _checked_as(kind: str) -> Callable[[Context, Parameter, Any], Any]:
    """A callback validating a value as the library's type ``movierec.<kind>`` (e.g. PageNo).

    The bound and the message are the library's, as over HTTP, reported like any library
    error (one red line, exit 2); ``movierec`` is imported only when a value is given, so
    ``--help`` stays light.
    """

    def check(ctx: Context, param: Parameter, value: Any) -> Any:
        if value is None or ctx.resilient_parsing or value == param.default:
            return value  # the default is in bounds (and checking it would load pydantic)
        import movierec

        try:
            return movierec.checked(getattr(movierec, kind), param.name or kind, value)
        except movierec.InvalidInput as exc:
            fail(exc)

    return check


PageOption = Annotated[
    int, typer.Option("--page", "-p", help="Page number, from 1.", callback=_checked_as("PageNo"))
]
SizeOption = Annotated[
    int, typer.Option("--size", help="Items per page.", callback=_checked_as("PageSize"))
]
YearOption = Annotated[
    int | None,
    typer.Option("--year", "-y", help="Release year.", callback=_checked_as("Year")),
]
GenreOption = Annotated[
    int | None,
    typer.Option(
        "--genre", help="Only movies of this TMDb genre id.", callback=_checked_as("GenreId")
    ),
]


def movie_id_argument(help: str) -> Any:
    """A TMDb movie id argument, validated as ``movierec.MovieId``."""
    return typer.Argument(help=help, callback=_checked_as("MovieId"))
