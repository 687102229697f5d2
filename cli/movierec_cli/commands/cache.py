"""``movierec cache``: inspect and empty the cache backend."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from movierec import MovieRec
from movierec_cli.options import JsonOption
from movierec_cli.render import print_json, print_message, print_table
from movierec_cli.runner import run

app = typer.Typer(help="Inspect and empty the cache.", no_args_is_help=True)


@app.command("stats")
def stats(json: JsonOption = False) -> None:
    """Entries, hits and misses of the cache backend (the in-process cache starts empty)."""

    async def work(mr: MovieRec) -> dict[str, Any]:
        found = await mr.cache.stats()
        return {
            "backend": found.backend,
            "entries": found.entries,
            "hits": found.hits,
            "misses": found.misses,
            "hit_ratio": round(found.hit_ratio, 4),
            "details": found.details,
        }

    result = run(work)
    if json:
        print_json(result)
    else:
        rows = [(key, value) for key, value in result.items() if key != "details"]
        rows += [(key, value) for key, value in result["details"].items()]
        print_table("Cache", ("what", "value"), rows)


@app.command("clear")
def clear(json: JsonOption = False) -> None:
    """Remove every cached entry under this deployment's prefix."""

    async def work(mr: MovieRec) -> int:
        return await mr.cache.clear()

    removed = run(work)
    if json:
        print_json({"removed": removed})
    else:
        print_message(f"removed {removed} cache entries")
