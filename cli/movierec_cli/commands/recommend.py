"""``movierec recommend`` (your list, dismiss, refresh) and ``movierec eval`` (measured quality)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from movierec import (
        Dismissed,
        EvalReport,
        MovieRec,
        Principal,
        RecommendationList,
        RefreshReport,
    )
from movierec_cli.options import JsonOption, PageOption, SizeOption, movie_id_argument
from movierec_cli.render import (
    page_caption,
    print_json,
    print_message,
    print_table,
    progress_bar,
)
from movierec_cli.runner import load_settings, run, run_async
from movierec_cli.session import run_authed

app = typer.Typer(
    help="Your personalized recommendations.\n\nExample: movierec recommend --explain --size 10"
)


def eval_command(
    path: Annotated[
        Path | None,
        typer.Argument(
            help="MovieLens-format folder (ratings.csv, movies.csv, optional tags.csv); "
            "default: the ml-latest-small that catalog import movielens downloads.",
            exists=True,
            file_okay=False,
        ),
    ] = None,
    k: Annotated[int, typer.Option("--k", help="Cut-off for NDCG and coverage.", min=1)] = 10,
    seed: Annotated[int, typer.Option(help="Seed for breaking timestamp ties and folds.")] = 42,
    tune: Annotated[
        bool,
        typer.Option(
            "--tune",
            help="Also choose the engine's weights by cross-validation over user folds "
            "(tuned on some users, reported on the others).",
        ),
    ] = False,
    folds: Annotated[int, typer.Option(help="User folds for --tune.", min=2, max=10)] = 3,
    json: JsonOption = False,
) -> None:
    """Measure the recommender against most-popular, item-kNN, RP3beta and EASE.

    Example: movierec eval ../shared/data/ml-latest-small --k 10
    """
    from movierec import evaluate

    settings = load_settings()

    async def work() -> EvalReport:
        return await evaluate(path, settings=settings, k=k, seed=seed, tune=tune, folds=folds)

    report = run_async(work)
    if json:
        print_json(report)
        return
    for note in report.notes:
        print_message(note)
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
    if report.tuning is not None:
        _print_tuning(report)


def _print_tuning(report: EvalReport) -> None:
    tuning = report.tuning
    assert tuning is not None
    shown = [b for b in ("EASE", "item-kNN") if b in tuning.baselines]

    def chosen(row: dict[str, float]) -> str:
        return ", ".join(f"{name}={value:g}" for name, value in row.items())

    print_table(
        f"Cross-validated choice, {len(tuning.folds)} user folds "
        f"(NDCG@{report.k} on users the tuner never saw)",
        ["fold", "tuned / reported users", "chosen", "tuning", "engine", *shown],
        (
            [
                f.fold,
                f"{f.tune_users} / {f.report_users}",
                chosen(f.chosen),
                f"{f.tune_ndcg:.4f}",
                f"{f.report_ndcg:.4f}",
                *(f"{f.baselines[b]:.4f}" for b in shown),
            ]
            for f in tuning.folds
        ),
        caption=f"served choice (median of the folds): {chosen(tuning.chosen)}; "
        f"all report folds: engine {tuning.report_ndcg:.4f}, "
        + ", ".join(f"{b} {tuning.baselines[b]:.4f}" for b in shown),
    )


@app.callback(invoke_without_command=True)
def show(
    ctx: typer.Context,
    page: PageOption = 1,
    size: SizeOption = 20,
    explain: Annotated[bool, typer.Option("--explain", help="Show why each is there.")] = False,
    json: JsonOption = False,
) -> None:
    """Your recommendations (log in first with `movierec login`).

    Example: movierec recommend --explain --size 10
    """
    if ctx.invoked_subcommand is not None:
        return

    async def work(mr: MovieRec, principal: Principal) -> RecommendationList:
        return await mr.recommend.for_user(principal, page=page, size=size)

    listing = run_authed(work)
    if json:
        print_json(listing)
        return
    # Rank, not the raw score: the list is re-ranked for variety (MMR), so scores are not
    # in order down the table; --json keeps each item's score.
    columns = ["#", "id", "title", "year"] + (["why"] if explain else [])
    first = ((listing.page or 1) - 1) * listing.size
    rows = []
    for n, item in enumerate(listing.items, start=first + 1):
        row: list[object] = [n, item.movie.id, item.movie.title, item.movie.year]
        if explain:
            row.append(item.reason)
        rows.append(row)
    origin = "cached" if listing.cached else "computed"
    print_table(
        "Recommended for you" + (" (start by adding favorites)" if listing.cold_start else ""),
        columns,
        rows,
        caption=page_caption(
            listing,
            "in all",
            f"ranked for relevance and variety; {origin} at "
            f"{listing.generated_at:%Y-%m-%d %H:%M} UTC",
        ),
    )


@app.command("dismiss")
def dismiss(
    movie_id: Annotated[int, movie_id_argument("TMDb id of the movie.")],
    json: JsonOption = False,
) -> None:
    """Never recommend this movie to you again.

    Example: movierec recommend dismiss 550
    """

    async def work(mr: MovieRec, principal: Principal) -> Dismissed:
        return await mr.recommend.dismiss(principal, movie_id)

    result = run_authed(work)
    if json:
        print_json(result)
    else:
        print_message(
            f"movie {movie_id} dismissed"
            if result.created
            else f"movie {movie_id} already dismissed"
        )


@app.command("refresh")
def refresh(
    all_users: Annotated[
        bool, typer.Option("--all", help="Recompute every user's list (batch job).")
    ] = False,
    concurrency: Annotated[int, typer.Option(help="Users computed at once.", min=1, max=64)] = 4,
    json: JsonOption = False,
) -> None:
    """Recompute cached recommendation lists (`--all`: every active user)."""
    if not all_users:
        raise typer.BadParameter("say --all to recompute every user's list")

    async def work(mr: MovieRec) -> RefreshReport:
        with progress_bar(enabled=not json) as report:
            return await mr.recommend.refresh_all(progress=report, concurrency=concurrency)

    report = run(work)
    if json:
        print_json(report)
    else:
        print_message(
            f"refreshed {report.refreshed} of {report.users} users in {report.seconds:.1f} s"
            + (f" ({report.failed} failed)" if report.failed else "")
        )
