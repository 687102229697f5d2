"""The Celery app of the ``movierec[worker]`` extra: scheduled and queued jobs.

Start a worker with ``movierec worker`` (add ``--beat`` for the schedule), or directly
``celery -A movierec.operations.tasks worker``. Broker and result backend are Redis, from
``MOVIEREC_CELERY_BROKER_URL`` (default: ``MOVIEREC_REDIS_URL``). Every task runs one
job of :mod:`movierec.operations.jobs`: it opens a ``MovieRec``, makes the library call, closes it.

Settings are read once, when ``movierec.operations.tasks.app`` is first used (worker start-up).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from celery import Celery
from celery.schedules import crontab

from movierec.config import Settings
from movierec.errors import ConfigurationError
from movierec.operations.jobs import JOBS, JobResult

__all__ = ["TASK_NAME", "beat_schedule", "create_celery_app", "run_job"]

TASK_NAME = "movierec.run_job"


def beat_schedule(settings: Settings) -> dict[str, dict[str, Any]]:
    """One periodic entry per scheduled job, on the configured queue."""
    schedule: dict[str, dict[str, Any]] = {}
    for job in JOBS.values():
        when: timedelta | crontab
        period = job.every_seconds(settings)
        if job.weekly:
            when = crontab(minute=0, hour=9, day_of_week="mon")
        elif period is not None:
            when = timedelta(seconds=period)
        else:
            continue
        schedule[job.name] = {
            "task": TASK_NAME,
            "schedule": when,
            "args": (job.name,),
            "options": {"queue": settings.celery_queue, "expires": 3600},
        }
    return schedule


def create_celery_app(settings: Settings | None = None) -> Celery:
    """A Celery app whose one task runs a named job with ``settings``."""
    resolved = settings if settings is not None else Settings.load()
    broker = resolved.resolved_broker_url
    if broker is None:
        raise ConfigurationError(
            "background jobs need a broker: set MOVIEREC_CELERY_BROKER_URL or MOVIEREC_REDIS_URL"
        )
    celery = Celery("movierec", broker=broker, backend=resolved.resolved_result_backend)
    celery.conf.update(
        task_default_queue=resolved.celery_queue,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_expires=24 * 3600,
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        beat_schedule=beat_schedule(resolved),
        timezone="UTC",
    )

    @celery.task(name=TASK_NAME)  # type: ignore[untyped-decorator]
    def run_named_job(name: str, user_id: int | None = None) -> dict[str, Any]:
        """Run one job in a fresh event loop; the result is JSON for the result backend."""
        return asyncio.run(run_job(resolved, name, user_id)).model_dump(mode="json")

    return celery


async def run_job(settings: Settings, name: str, user_id: int | None = None) -> JobResult:
    """Open a ``MovieRec``, run one job, close it: what a worker does per task."""
    from movierec import MovieRec  # the public API; imported late, the worker's entry point

    async with MovieRec(settings) as mr:
        return await mr.jobs.run(name, user_id)


_app: Celery | None = None


def __getattr__(name: str) -> Any:
    """``app``: built from ``Settings.load()`` on first use (the worker's start-up)."""
    global _app
    if name == "app":
        if _app is None:
            _app = create_celery_app()
        return _app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
