"""``movierec model``: fit and publish the recommendation model, list published versions."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from movierec import ModelInfo, MovieRec
from movierec_cli.options import JsonOption
from movierec_cli.render import print_json, print_message, print_table
from movierec_cli.runner import run

app = typer.Typer(
    help="The published recommendation model (fit once, every server reads it).",
    no_args_is_help=True,
)


@app.command("fit")
def fit(json: JsonOption = False) -> None:
    """Fit on the catalog and favorites, and publish it as the newest version."""

    async def work(mr: MovieRec) -> ModelInfo:
        return await mr.recommend.fit_model()

    info = run(work)
    if json:
        print_json(info)
        return
    print_message(
        f"published model version {info.id}: {info.ratings} ratings, {info.items} items, "
        f"{info.size_bytes / 1e6:.1f} MB, fitted in {info.fit_seconds:.1f}s"
    )


@app.command("status")
def status(json: JsonOption = False) -> None:
    """List the published versions, newest first (servers serve the newest)."""

    async def work(mr: MovieRec) -> list[ModelInfo]:
        return await mr.recommend.model_versions()

    versions = run(work)
    if json:
        print_json(versions)
        return
    if not versions:
        print_message("no model published yet: run `movierec model fit`")
        return
    print_table(
        "Published models",
        ("id", "created", "ratings", "users", "items", "size MB", "fit s"),
        [
            (
                v.id,
                v.created_at.isoformat(timespec="seconds"),
                v.ratings,
                v.users,
                v.items,
                f"{v.size_bytes / 1e6:.2f}",
                f"{v.fit_seconds:.1f}",
            )
            for v in versions
        ],
    )
