"""The root ``movierec`` command: the table of its commands and groups."""

from __future__ import annotations

from typing import Annotated

import typer
import typer.main

from movierec import __version__
from movierec_cli.lazy import Entry, LazyRoot

_C = "movierec_cli.commands."

COMMANDS = (
    # --- foundation, discovery, accounts, recommendations, operations: commands
    Entry("serve", _C + "serve:serve", "Serve the HTTP API (OpenAPI docs at /docs)."),
    Entry(
        "trending",
        _C + "movies:trending",
        "Show trending movies (TMDb, or the most rated in the offline catalog).",
    ),
    Entry("search", _C + "movies:search", "Search movies by title (or original title)."),
    Entry("movie", _C + "movies:movie", "Show one movie's details."),
    Entry(
        "register",
        _C + "accounts:register",
        "Create an account (the password is asked for, hidden, twice).",
    ),
    Entry(
        "login",
        _C + "accounts:login",
        "Log in and keep the session in the config folder (the password is asked for, hidden).",
    ),
    Entry("logout", _C + "accounts:logout", "End the session and forget the saved login."),
    Entry("whoami", _C + "accounts:whoami", "Show who is logged in."),
    Entry(
        "eval",
        _C + "recommend:eval_command",
        "Measure the recommender against most-popular, item-kNN, RP3beta and EASE.",
    ),
    Entry(
        "worker",
        _C + "jobs:worker",
        "Start a Celery worker for the background jobs (needs movierec[worker]).",
    ),
    Entry(
        "openapi",
        _C + "openapi:openapi",
        "Print the OpenAPI document of the HTTP API (always JSON).",
    ),
    Entry(
        "status",
        _C + "status:status",
        "Check the database and the cache: ok, degraded (cache down) or down (exit 9).",
    ),
    # --- groups
    Entry("db", _C + "db:app", "Create and migrate the database."),
    Entry("catalog", _C + "catalog:app", "The offline movie catalog (MovieLens)."),
    Entry("cache", _C + "cache:app", "Inspect and empty the cache."),
    Entry("profile", _C + "profile:app", "Show and change your profile."),
    Entry("admin", _C + "admin:app", "Administer users (admins only)."),
    Entry("fav", _C + "favorites:app", "Your favorite movies."),
    Entry("recommend", _C + "recommend:app", "Your personalized recommendations."),
    Entry(
        "model",
        _C + "model:app",
        "The published recommendation model (fit once, every server reads it).",
    ),
    Entry("jobs", _C + "jobs:app", "List, run and enqueue background jobs."),
)
"""Every command of ``movierec``, in the order ``--help`` lists them (commands, then
groups); a command's module is imported only when it runs (:mod:`movierec_cli.lazy`)."""


class Root(LazyRoot):
    """The root ``movierec`` group over :data:`COMMANDS`."""

    entries = COMMANDS


app = typer.Typer(
    name="movierec",
    cls=Root,  # lazy commands, and the help shape for the whole tree (movierec_cli.helpshape)
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
    from movierec_cli.runner import json_errors  # here: --help never needs it

    json_errors(False)  # each command's --json sets it again


def command_tree() -> Root:
    """The whole ``movierec`` command tree, every command built (for docs and tests)."""
    root = typer.main.get_command(app)
    assert isinstance(root, Root)
    return root.load_all()


def main() -> None:
    """Run the command tree (the console script is :func:`movierec_cli.entry.main`)."""
    app()
