"""``movierec db``: create and migrate the database."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    pass
from movierec_cli.options import JsonOption
from movierec_cli.render import print_json, print_message
from movierec_cli.runner import load_settings, run_async

app = typer.Typer(help="Create and migrate the database.", no_args_is_help=True)


@app.command("init")
def init(json: JsonOption = False) -> None:
    """Create the database (SQLite in the data folder by default) and its tables."""
    from movierec import MovieRec

    settings = load_settings()

    async def work() -> list[str]:
        mr = MovieRec(settings.model_copy(update={"auto_migrate": False}))
        await mr.open()
        try:
            return await mr.db.migrate()
        finally:
            await mr.close()

    applied = run_async(work)
    result = {"database": settings.resolved_database_url.split("@")[-1], "applied": applied}
    if json:
        print_json(result)
    else:
        print_message(f"database ready: {result['database']} ({len(applied)} migrations applied)")


@app.command("migrate")
def migrate(json: JsonOption = False) -> None:
    """Apply pending schema migrations (PostgreSQL deployments run this on upgrade)."""
    init(json=json)


@app.command("status")
def status(json: JsonOption = False) -> None:
    """Show pending migrations without applying them."""
    from movierec import MovieRec

    settings = load_settings()

    async def work() -> list[str]:
        mr = MovieRec(settings.model_copy(update={"auto_migrate": False}))
        await mr.open()
        try:
            return await mr.db.pending_migrations()
        finally:
            await mr.close()

    pending = run_async(work)
    if json:
        print_json({"pending": pending})
    elif pending:
        print_message("pending migrations: " + ", ".join(pending))
    else:
        print_message("database is up to date")
