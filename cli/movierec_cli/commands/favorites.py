"""``movierec fav``: your favorite movies (add, rm, list, import, export).

Every command runs as the logged-in user (``movierec login``) through ``run_authed``.
"""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

if TYPE_CHECKING:
    from movierec import (
        AmbiguousTitle,
        FavoriteResult,
        FavoritesPage,
        ImportReport,
        MovieRec,
        MovieRecError,
        Principal,
    )
from movierec_cli.options import (
    GenreOption,
    JsonOption,
    PageOption,
    SizeOption,
    movie_id_argument,
)
from movierec_cli.render import (
    page_caption,
    print_error,
    print_json,
    print_message,
    print_raw,
    print_table,
    progress_bar,
    to_jsonable,
)
from movierec_cli.session import run_authed

app = typer.Typer(help="Your favorite movies.", no_args_is_help=True)

_MOVIE_ID = re.compile(r"^[+-]?\d+$")
ImportFormatOption = Literal["auto", "json", "csv", "letterboxd", "imdb"]


def _interactive() -> bool:
    """Whether someone can answer a question (standard input is a terminal)."""
    return sys.stdin.isatty()


async def _choose(error: AmbiguousTitle) -> int:
    """Ask which candidate was meant (interactive terminals only)."""
    from movierec import InvalidInput

    candidates = error.candidates
    print_table(
        f"'{error.title}' matches several movies",
        ["#", "id", "title", "year"],
        [(n, c["movie_id"], c["title"], c["release_year"]) for n, c in enumerate(candidates, 1)],
    )
    choice: int = await asyncio.to_thread(typer.prompt, "Which one (#)", type=int)
    if not 1 <= choice <= len(candidates):
        raise InvalidInput.field("choice", f"must be between 1 and {len(candidates)}")
    return int(candidates[choice - 1]["movie_id"])


async def _add(
    mr: MovieRec, principal: Principal, argument: str, interactive: bool
) -> FavoriteResult:
    """Add a TMDb id as given, or the movie a title means (asking when it is ambiguous)."""
    from movierec import AmbiguousTitle

    if _MOVIE_ID.match(argument.strip()):
        return await mr.favorites.add(principal, int(argument))
    try:
        return await mr.favorites.add_title(principal, argument)
    except AmbiguousTitle as exc:
        if not interactive:
            raise
        return await mr.favorites.add(principal, await _choose(exc))


@app.command("add")
def add(
    movies: Annotated[list[str], typer.Argument(help="TMDb ids or titles ('Crash (2004)').")],
    json: JsonOption = False,
) -> None:
    """Add movies to your favorites by TMDb id or by title.

    Each movie is reported on its own line: one unknown id does not hide the others
    that were added. The exit code is the first failure's (0 when all were added).

    Example: movierec fav add 603 "Fight Club (1999)"
    """
    from movierec import InvalidInput, MovieRecError, NotFound

    interactive = _interactive() and not json

    async def work(mr: MovieRec, principal: Principal) -> list[FavoriteResult | MovieRecError]:
        results: list[FavoriteResult | MovieRecError] = []
        for argument in movies:
            try:
                results.append(await _add(mr, principal, argument, interactive))
            except (NotFound, InvalidInput) as exc:  # this movie only; the rest go on
                results.append(exc)
        return results

    results = run_authed(work)
    failures = [r for r in results if isinstance(r, MovieRecError)]
    if json:
        print_json(
            [
                {
                    "movie": argument,
                    **(r.to_dict() if isinstance(r, MovieRecError) else to_jsonable(r)),
                }
                for argument, r in zip(movies, results, strict=True)
            ]
        )
    else:
        for argument, result in zip(movies, results, strict=True):
            if isinstance(result, MovieRecError):
                print_error(f"{argument}: {result.message}")
                continue
            item = result.favorite
            year = f" ({item.release_year})" if item.release_year else ""
            verb = "added" if result.created else "already a favorite:"
            print_message(f"{verb} {item.title}{year} [{item.movie_id}]")
    if failures:
        raise typer.Exit(failures[0].exit_code)


@app.command("rm")
def remove(
    movie_id: Annotated[int, movie_id_argument("TMDb id of the movie to remove.")],
    json: JsonOption = False,
) -> None:
    """Remove a movie from your favorites.

    Example: movierec fav rm 603
    """

    async def work(mr: MovieRec, principal: Principal) -> bool:
        return await mr.favorites.remove(principal, movie_id)

    run_authed(work)
    if json:
        print_json({"removed": movie_id})
    else:
        print_message(f"removed {movie_id} from your favorites")


@app.command("list")
def list_favorites(
    genre: GenreOption = None,
    page: PageOption = 1,
    size: SizeOption = 20,
    json: JsonOption = False,
) -> None:
    """List your favorites, newest first.

    Example: movierec fav list --genre 878 --size 50
    """

    async def work(mr: MovieRec, principal: Principal) -> FavoritesPage:
        return await mr.favorites.list(principal, page=page, size=size, genre_id=genre)

    result = run_authed(work)
    if json:
        print_json(result)
        return
    print_table(
        "Your favorites",
        ["id", "title", "year", "added"],
        [
            (i.movie_id, i.title, i.release_year, i.added_at.strftime("%Y-%m-%d"))
            for i in result.items
        ],
        caption=page_caption(result, "favorites"),
    )


def _show_issues(report: dict[str, Any]) -> None:
    rows = [
        (issue["line"], issue["input"], issue["reason"], _candidates_of(issue))
        for issue in report.get("ambiguous", []) + report.get("skipped", [])
    ]
    if rows:
        print_table("Rows not imported", ["line", "row", "reason", "candidates"], rows)


def _candidates_of(issue: dict[str, Any]) -> str | None:
    found = [f"{c['movie_id']} {c['title']} ({c['release_year']})" for c in issue["candidates"]]
    return "; ".join(found) or None


@app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="The export file.", exists=True, dir_okay=False)],
    format: Annotated[
        str, typer.Option("--format", help="auto, json, csv, letterboxd or imdb.")
    ] = "auto",
    skip_errors: Annotated[
        bool, typer.Option("--skip-errors", help="Import matched rows even if others fail.")
    ] = False,
    json: JsonOption = False,
) -> None:
    """Import favorites from a movierec, Letterboxd or IMDb export (all or nothing).

    Example: movierec fav import watched.csv --skip-errors
    """
    from movierec import InvalidInput, detect_format

    async def work(mr: MovieRec, principal: Principal) -> ImportReport:
        content = await asyncio.to_thread(file.read_text, encoding="utf-8-sig")
        kind = detect_format(content, file.name) if format == "auto" else format
        try:
            with progress_bar(enabled=not json) as report:
                return await mr.favorites.import_(
                    principal,
                    content,
                    kind,  # type: ignore[arg-type]
                    skip_errors=skip_errors,
                    progress=report,
                )
        except InvalidInput as exc:
            if isinstance(exc.details, dict) and not json:
                _show_issues(exc.details)
            raise

    result = run_authed(work)
    if json:
        print_json(result)
        return
    _show_issues(result.model_dump(mode="json"))
    print_message(
        f"imported {result.added} new favorites ({len(result.matched)} rows matched, "
        f"{len(result.ambiguous)} ambiguous, {len(result.skipped)} skipped)"
    )


@app.command("export")
def export(
    file: Annotated[
        Path | None, typer.Argument(help="Where to write (default: standard output).")
    ] = None,
    format: Annotated[str | None, typer.Option("--format", help="json or csv.")] = None,
    json: JsonOption = False,
) -> None:
    """Export your favorites as JSON or CSV (both import back).

    Example: movierec fav export --format csv > favorites.csv
    """
    kind = format or ("csv" if file is not None and file.suffix.lower() == ".csv" else "json")

    async def work(mr: MovieRec, principal: Principal) -> str:
        return await mr.favorites.export(principal, kind)  # type: ignore[arg-type]

    content = run_authed(work)
    if file is None:
        print_raw(content)
        return
    file.write_text(content, encoding="utf-8")
    if json:
        print_json({"file": str(file), "format": kind})
    else:
        print_message(f"wrote your favorites to {file} ({kind})")
