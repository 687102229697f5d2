"""Background jobs: named library calls that a scheduler or a person can run.

Each job opens nothing itself: it takes an open :class:`~movierec.MovieRec` and makes
library calls. :func:`run_job` opens a ``MovieRec`` for one run and closes it, which is
what both the Celery tasks (``movierec.tasks``) and ``movierec jobs run`` do, so the
same jobs work with or without the ``movierec[worker]`` extra.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from movierec.config import Settings
from movierec.errors import InvalidInput

if TYPE_CHECKING:
    from movierec.core import MovieRec

__all__ = ["JOBS", "Job", "JobResult", "Jobs", "run_job"]

JobFunction = Callable[["MovieRec", int | None], Awaitable[dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class Job:
    """A named job, what it does, and how often the beat schedule runs it."""

    name: str
    summary: str
    function: JobFunction
    every: Callable[[Settings], float] | None = None
    weekly: bool = False
    takes_user: bool = False

    def every_seconds(self, settings: Settings) -> float | None:
        """The beat schedule's period for this job under ``settings`` (None: not periodic)."""
        return None if self.every is None else self.every(settings)


class JobResult(BaseModel):
    """What one run of a job did."""

    model_config = ConfigDict(frozen=True)

    job: str
    user_id: int | None = None
    seconds: float
    result: dict[str, Any]


async def _prune(mr: MovieRec, user_id: int | None) -> dict[str, Any]:
    report = await mr.maintenance.prune()
    return report.model_dump()


async def _prewarm_trending(mr: MovieRec, user_id: int | None) -> dict[str, Any]:
    """Reload both trending lists when less than half their lifetime is left.

    Run every third of ``ttl_trending``, so readers always find a fresh copy; when
    TMDb fails the current copy stays.
    """
    outcome: dict[str, Any] = {}
    with mr.loader.refresh_ahead(mr.settings.ttl_trending / 2):
        for window in ("day", "week"):
            page = await mr.movies.trending(window=window)
            outcome[window] = "stale" if page.stale else "fresh" if page.cached else "reloaded"
    return outcome


async def _refresh_recommendations(mr: MovieRec, user_id: int | None) -> dict[str, Any]:
    """Refit the recommender and recompute every active user's cached list."""
    report = await mr.recommend.refresh_all(concurrency=mr.settings.recommend_concurrency)
    return report.model_dump()


JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        Job(
            "prune",
            "Delete expired refresh tokens, old usage buckets and old audit events.",
            _prune,
            every=lambda settings: 24 * 3600,
        ),
        Job(
            "prewarm-trending",
            "Reload the trending lists before they expire, so readers never wait on TMDb.",
            _prewarm_trending,
            every=lambda settings: max(60.0, settings.ttl_trending / 3),
        ),
        Job(
            "refresh-recommendations",
            "Refit the recommender and recompute every user's list before it expires.",
            _refresh_recommendations,
            every=lambda settings: max(60.0, settings.ttl_recommendations * 0.9),
        ),
    )
}


class Jobs:
    """Runs jobs by name on an open ``MovieRec`` (``mr.jobs``)."""

    def __init__(self, mr: MovieRec) -> None:
        self._mr = mr

    @staticmethod
    def available() -> list[Job]:
        """Every job, in name order."""
        return [JOBS[name] for name in sorted(JOBS)]

    async def run(self, name: str, user_id: int | None = None) -> JobResult:
        """Run the job ``name`` now; ``user_id`` narrows jobs that take one."""
        job = JOBS.get(name)
        if job is None:
            raise InvalidInput.field(
                "job", f"unknown job {name!r}; one of {', '.join(sorted(JOBS))}"
            )
        if user_id is not None and not job.takes_user:
            raise InvalidInput.field("user_id", f"job {name!r} does not take a user")
        started = time.perf_counter()
        result = await job.function(self._mr, user_id)
        return JobResult(
            job=name,
            user_id=user_id,
            seconds=round(time.perf_counter() - started, 3),
            result=result,
        )


async def run_job(settings: Settings, name: str, user_id: int | None = None) -> JobResult:
    """Open a ``MovieRec``, run one job, close it."""
    from movierec.core import MovieRec

    async with MovieRec(settings) as mr:
        return await mr.jobs.run(name, user_id)
