"""``movierec recommend`` (your list, dismiss, refresh) and ``movierec eval`` (measured quality)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from movierec.recommend import EvalReport, ModelParams, evaluate
from movierec_cli.options import JsonOption
from movierec_cli.render import print_json, print_table
from movierec_cli.runner import load_settings, run_async

app = typer.Typer(help="Your personalized recommendations.")


def eval_command(
    path: Annotated[
        Path | None,
        typer.Argument(
            help="MovieLens-format folder (ratings.csv, movies.csv, optional tags.csv); "
            "default: ml-latest-small in the data folder."
        ),
    ] = None,
    k: Annotated[int, typer.Option("--k", help="Cut-off for NDCG and coverage.", min=1)] = 10,
    seed: Annotated[int, typer.Option(help="Seed for breaking timestamp ties.")] = 42,
    json: JsonOption = False,
) -> None:
    """Measure the recommender against most-popular and item-kNN on a ratings data set."""
    settings = load_settings()
    folder = path or settings.data_dir / "ml-latest-small"
    params = ModelParams.from_settings(settings)

    async def work() -> EvalReport:
        return await evaluate(folder, k=k, seed=seed, params=params)

    report = run_async(work)
    if json:
        print_json(report)
        return
    print_table(
        f"{report.dataset}: {report.users} users, {report.items} movies, "
        f"{report.held_out} held-out favorites",
        ["method", f"NDCG@{report.k}", f"Recall@{report.recall_at}", "coverage", "seconds"],
        (
            [r.method, f"{r.ndcg:.4f}", f"{r.recall:.4f}", f"{r.coverage:.1%}", f"{r.seconds:.2f}"]
            for r in report.results
        ),
        caption=f"seed {report.seed}, total {report.seconds:.1f} s",
    )
