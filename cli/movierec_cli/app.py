"""The root ``movierec`` command: registers every command group."""

from __future__ import annotations

from typing import Annotated

import typer

from movierec import __version__
from movierec_cli.commands import (
    accounts,
    admin,
    cache,
    catalog,
    db,
    favorites,
    jobs,
    model,
    monitoring,
    movies,
    openapi,
    profile,
    recommend,
    serve,
    status,
)
from movierec_cli.helpshape import MovieRecGroup
from movierec_cli.runner import json_errors

app = typer.Typer(
    name="movierec",
    cls=MovieRecGroup,  # help shape for the whole tree (movierec_cli.helpshape)
    help="Personalized movie recommendations from your terminal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"movierec {__version__}")
        raise typer.Exit


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Personalized movie recommendations from your terminal."""
    json_errors(False)  # each command's --json sets it again


# --- foundation
app.add_typer(db.app, name="db")
app.command("serve")(serve.serve)

# --- discovery
app.command("trending")(movies.trending)
app.command("search")(movies.search)
app.command("movie")(movies.movie)
app.add_typer(catalog.app, name="catalog")
app.add_typer(cache.app, name="cache")

# --- accounts
app.command("register")(accounts.register)
app.command("login")(accounts.login)
app.command("logout")(accounts.logout)
app.command("whoami")(accounts.whoami)
app.add_typer(profile.app, name="profile")
app.add_typer(admin.app, name="admin")

# --- favorites
app.add_typer(favorites.app, name="fav")

# --- recommendations
app.add_typer(recommend.app, name="recommend")
app.command("eval")(recommend.eval_command)
app.add_typer(model.app, name="model")

# --- operations
monitoring.register(admin.app)
app.add_typer(jobs.app, name="jobs")
app.command("worker")(jobs.worker)
app.command("openapi")(openapi.openapi)
app.command("status")(status.status)


def main() -> None:
    """Run the command tree (the console script is :func:`movierec_cli.entry.main`)."""
    app()
