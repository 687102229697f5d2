"""``movierec catalog``: import MovieLens into the offline catalog, and describe it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from movierec import MovieRec
from movierec_cli.options import JsonOption
from movierec_cli.render import print_json, print_message, print_table, progress_bar
from movierec_cli.runner import run

app = typer.Typer(help="The offline movie catalog (MovieLens).", no_args_is_help=True)
import_app = typer.Typer(help="Import a public data set into the catalog.", no_args_is_help=True)
app.add_typer(import_app, name="import")


@import_app.command("movielens")
def import_movielens(
    path: Annotated[
        Path | None,
        typer.Argument(
            help="A MovieLens folder (movies.csv, links.csv, ratings.csv, optional tags.csv). "
            "Without it, ml-latest-small is downloaded from GroupLens once.",
            file_okay=False,
        ),
    ] = None,
    json: JsonOption = False,
) -> None:
    """Replace the offline catalog with a MovieLens data set."""

    with progress_bar(enabled=not json) as report:

        async def work(mr: MovieRec) -> dict[str, Any]:
            done = await mr.catalog.import_movielens(path, progress=report)
            return done.as_dict()

        result = run(work)
    if json:
        print_json(result)
        return
    print_message(
        f"imported {result['movies']} movies and {result['ratings']} ratings "
        f"({result['tags']} tags) in {result['seconds']:.1f}s"
    )
    print_message(
        f"skipped {result['skipped_movies']} movies without a TMDb id and "
        f"{result['skipped_ratings']} of their ratings; merged {result['merged_movies']} "
        f"duplicate TMDb ids; removed {result['removed_movies']} movies no longer listed"
    )


@app.command("stats")
def stats(json: JsonOption = False) -> None:
    """How many movies and ratings the catalog holds."""

    async def work(mr: MovieRec) -> dict[str, Any]:
        return await mr.catalog.stats()

    result = run(work)
    if json:
        print_json(result)
    else:
        print_table("Offline catalog", ("what", "value"), list(result.items()))
