"""``movierec jobs`` and ``movierec worker``: background jobs, with or without Celery."""

from __future__ import annotations

import importlib.util
import os
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from movierec import JobResult, Settings
from movierec_cli.options import JsonOption
from movierec_cli.render import print_json, print_message, print_table
from movierec_cli.runner import fail, load_settings, run, run_async

app = typer.Typer(help="List, run and enqueue background jobs.", no_args_is_help=True)

JobName = Annotated[str, typer.Argument(help="Job name (see `movierec jobs list`).")]
UserOption = Annotated[
    int | None, typer.Option("--user", help="Only this user id (jobs that take one).")
]


def _schedule(name: str, settings: Settings) -> str:
    from movierec import JOBS

    job = JOBS[name]
    period = job.every_seconds(settings)
    if job.weekly:
        return "weekly (Mon 09:00 UTC)"
    if period is None:
        return "on demand"
    minutes = period / 60
    return f"every {minutes:g} min" if minutes < 120 else f"every {minutes / 60:g} h"


@app.command("list")
def list_jobs(json: JsonOption = False) -> None:
    """Show every job, what it does and how often the worker's schedule runs it."""
    from movierec import Jobs

    jobs = Jobs.available()
    settings = load_settings()
    if json:
        print_json(
            [
                {"name": j.name, "summary": j.summary, "schedule": _schedule(j.name, settings)}
                for j in jobs
            ]
        )
        return
    print_table(
        "Jobs",
        ["name", "schedule", "what it does"],
        [(j.name, _schedule(j.name, settings), j.summary) for j in jobs],
    )


def _show(result: JobResult, json: bool) -> None:
    if json:
        print_json(result)
        return
    summary = ", ".join(f"{key}={value}" for key, value in result.result.items())
    print_message(f"{result.job} done in {result.seconds:.2f}s: {summary or 'nothing to do'}")


@app.command("run")
def run_now(name: JobName, user: UserOption = None, json: JsonOption = False) -> None:
    """Run a job now, in this process (no worker or broker needed)."""
    _show(run(lambda mr: mr.jobs.run(name, user)), json)


@app.command("enqueue")
def enqueue(
    name: JobName,
    user: UserOption = None,
    wait: Annotated[
        float, typer.Option(help="Seconds to wait for the worker's result (0: don't wait).")
    ] = 0.0,
    json: JsonOption = False,
) -> None:
    """Send a job to the Celery workers (needs the movierec[worker] extra and a broker)."""
    from movierec import JOBS, JobResult

    if name not in JOBS:
        known = ", ".join(sorted(JOBS))
        raise typer.BadParameter(f"unknown job {name!r}; one of {known}", param_hint="NAME")
    settings = load_settings()
    _require_celery()

    async def send() -> dict[str, Any]:
        from movierec.operations.tasks import TASK_NAME, create_celery_app

        celery = create_celery_app(settings)
        sent = celery.send_task(TASK_NAME, args=(name, user), queue=settings.celery_queue)
        if wait <= 0:
            return {"job": name, "task_id": sent.id}
        result: dict[str, Any] = sent.get(timeout=wait)
        return result

    outcome = run_async(send)
    if "task_id" in outcome:
        if json:
            print_json(outcome)
        else:
            print_message(f"{name} queued as task {outcome['task_id']}")
    else:
        _show(JobResult.model_validate(outcome), json)


def _require_celery() -> None:
    from movierec import ConfigurationError

    if importlib.util.find_spec("celery") is None:
        fail(
            ConfigurationError(
                "background workers need the worker extra: pip install 'movierec[worker]' "
                "(or run jobs in-process with `movierec jobs run`)"
            )
        )


def worker(
    beat: Annotated[
        bool, typer.Option(help="Also run the periodic schedule (one per site).")
    ] = False,
    concurrency: Annotated[int, typer.Option(help="Worker processes.", min=1, max=64)] = 1,
    loglevel: Annotated[str, typer.Option(help="Celery log level.")] = "info",
) -> None:
    """Start a Celery worker for the background jobs (needs movierec[worker])."""
    from movierec import ConfigurationError

    settings = load_settings()
    _require_celery()
    if settings.resolved_broker_url is None:
        fail(
            ConfigurationError(
                "the worker needs a broker: set MOVIEREC_CELERY_BROKER_URL or MOVIEREC_REDIS_URL"
            )
        )
    argv = [sys.executable, "-m", "celery", "-A", "movierec.operations.tasks", "worker"]
    argv += ["--queues", settings.celery_queue, "--concurrency", str(concurrency)]
    argv += ["--loglevel", loglevel]
    if beat:
        argv.append("--beat")
    os.execv(sys.executable, argv)  # noqa: S606
