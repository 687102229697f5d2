"""``movierec trending``, ``movierec search``, ``movierec movie``: discovery from the terminal."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, cast

import typer

if TYPE_CHECKING:
    from movierec import CachedMoviePage, MovieInfo, MoviePage, MovieRec, Settings
from movierec_cli.options import JsonOption, PageOption, YearOption, movie_id_argument
from movierec_cli.render import place_caption, print_json, print_table
from movierec_cli.runner import run, run_async


def _caption(page: CachedMoviePage) -> str:
    return place_caption(
        page["page"],
        page["total_pages"],
        page["total"],
        "results",
        f"source: {page['source']}" + (", cached" if page["cached"] else ""),
        "STALE: the provider is failing, this is the last good copy" if page["stale"] else "",
        page["note"] or "",
    )


def _genres(ids: list[int]) -> str:
    from movierec import TMDB_GENRES

    return ", ".join(TMDB_GENRES.get(i, str(i)) for i in ids)


def print_movies(title: str, page: CachedMoviePage) -> None:
    """A page of movies as a table, from its plain values (a cached page's, or a
    ``MoviePage``'s ``model_dump(mode="json")``: one renderer, so both print alike)."""
    rows = [
        (
            m["id"],
            m["title"],
            m["release_year"],
            _genres(m["genre_ids"]),
            f"{m['vote_average']:.1f}",
            m["vote_count"],
        )
        for m in page["items"]
    ]
    columns = ("id", "title", "year", "genres", "rating", "votes")
    print_table(title, columns, rows, caption=_caption(page))


def show_page(
    title: str,
    load: Callable[[MovieRec], Awaitable[MoviePage]],
    as_json: bool,
    settings: Settings | None = None,
) -> None:
    """Run ``load`` against an open ``MovieRec`` and print its page."""
    result = run(load, settings)
    _print_page(title, cast("CachedMoviePage", result.model_dump(mode="json")), as_json)


def _print_page(title: str, page: CachedMoviePage, as_json: bool) -> None:
    if as_json:
        print_json(page)
    else:
        print_movies(title, page)


def trending(
    window: Annotated[str, typer.Option("--window", "-w", help="day or week.")] = "week",
    page: PageOption = 1,
    json: JsonOption = False,
) -> None:
    """Show trending movies (TMDb, or the most rated in the offline catalog).

    Example: movierec trending --window day
    """

    async def cached() -> CachedMoviePage | None:
        # Only the cache's settings, and the page as stored: no pydantic, no Settings model.
        from movierec import cache_address, cached_trending_data

        address = cache_address()
        if address is None:  # a value it reads is not plainly valid: Settings reports it
            return None
        return await cached_trending_data(address, window, page)

    # A page already in the shared cache needs nothing else opened (no database).
    title = f"Trending this {window}"
    found = run_async(cached)
    if found is not None:
        _print_page(title, found, json)
        return

    async def work(mr: MovieRec) -> MoviePage:
        return await mr.movies.trending(window=window, page=page)

    show_page(title, work, json)


def search(
    query: Annotated[str, typer.Argument(help="Title words; case and accents do not matter.")],
    year: YearOption = None,
    page: PageOption = 1,
    json: JsonOption = False,
) -> None:
    """Search movies by title (or original title).

    Example: movierec search "amelie" --year 2001
    """

    async def work(mr: MovieRec) -> MoviePage:
        return await mr.movies.search(query, page=page, year=year)

    show_page(f"Search: {query}", work, json)


def movie(
    movie_id: Annotated[int, movie_id_argument("TMDb movie id.")],
    json: JsonOption = False,
) -> None:
    """Show one movie's details.

    Example: movierec movie 603 --json
    """

    async def work(mr: MovieRec) -> MovieInfo:
        return await mr.movies.details(movie_id)

    info = run(work)
    if json:
        print_json(info)
        return
    rows = [
        ("title", info.title),
        ("original title", info.original_title),
        ("year", info.year),
        ("genres", ", ".join(g.name for g in info.genres) or None),
        ("rating", f"{info.vote_average:.1f} ({info.vote_count} votes)"),
        ("runtime", f"{info.runtime} min" if info.runtime else None),
        ("imdb", info.imdb_id),
        ("keywords", ", ".join(info.keywords) or None),
        ("poster", info.poster_url),
        ("overview", info.overview or None),
    ]
    source = f"source: {info.source}" + (", cached" if info.cached else "")
    print_table(f"{info.title} ({info.id})", ("field", "value"), rows, caption=source)
