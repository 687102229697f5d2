"""Background jobs: named library calls that a scheduler or a person can run.

Each job opens nothing itself: it takes an open :class:`~movierec.MovieRec` and makes
library calls. :func:`run_job` opens a ``MovieRec`` for one run and closes it, which is
what both the Celery tasks (``movierec.operations.tasks``) and ``movierec jobs run`` do, so the
same jobs work with or without the ``movierec[worker]`` extra.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel, ConfigDict

from movierec.boundary import guarded
from movierec.config import Settings
from movierec.db.models import User
from movierec.errors import InvalidInput, MovieRecError
from movierec.operations.notify import Notification
from movierec.recommend.types import RecommendationList
from movierec.types import Principal

if TYPE_CHECKING:
    from movierec.cache import Cache, CachedLoader
    from movierec.discovery import MovieService
    from movierec.operations.maintenance import Maintenance
    from movierec.operations.notify import Notifier
    from movierec.recommend import Recommender

__all__ = ["JOBS", "Job", "JobContext", "JobResult", "Jobs"]

NOTIFY_PICKS = 5
NOTIFY_MEMORY_SECONDS = 60 * 24 * 3600


class JobContext(Protocol):
    """The services a job may call: an open ``MovieRec`` is one (structurally).

    Jobs orchestrate several services, so they take this narrow view of the composition
    root rather than the root itself.
    """

    @property
    def settings(self) -> Settings: ...
    @property
    def cache(self) -> Cache: ...
    @property
    def loader(self) -> CachedLoader: ...
    @property
    def movies(self) -> MovieService: ...
    @property
    def recommend(self) -> Recommender: ...
    @property
    def maintenance(self) -> Maintenance: ...
    @property
    def notifier(self) -> Notifier: ...


JobFunction = Callable[[JobContext, int | None], Awaitable[dict[str, Any]]]


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


async def _prune(mr: JobContext, user_id: int | None) -> dict[str, Any]:
    report = await mr.maintenance.prune()
    return report.model_dump()


async def _fit_model(mr: JobContext, user_id: int | None) -> dict[str, Any]:
    """Fit the recommender once and publish it; every server picks it up at its next check."""
    info = await mr.recommend.fit_model()
    return info.model_dump(mode="json")


async def _refresh_recommendations(mr: JobContext, user_id: int | None) -> dict[str, Any]:
    """Recompute every active user's cached list (or one user's) with the newest model."""
    if user_id is not None:
        await mr.recommend.refresh(user_id)
        return {"users": 1, "refreshed": 1, "failed": 0}
    report = await mr.recommend.refresh_all(concurrency=mr.settings.recommend_concurrency)
    return report.model_dump()


def _picks_message(user: User, picks: RecommendationList) -> Notification:
    lines = [f"Hello {user.username}, here is what we picked for you this week:", ""]
    for item in picks.items:
        year = f" ({item.movie.year})" if item.movie.year else ""
        lines.append(f"- {item.movie.title}{year}: {item.reason}")
    return Notification(
        user_id=user.id,
        username=user.username,
        email=user.email,
        subject="New recommendations for you",
        body="\n".join(lines) + "\n",
    )


async def _notify_recommendations(mr: JobContext, user_id: int | None) -> dict[str, Any]:
    """Send each active user their top picks, unless they are the picks sent last time."""
    query = User.filter(is_active=True)
    if user_id is not None:
        query = query.filter(id=user_id)
    users = await query.order_by("id").only("id", "username", "email", "role")
    counts = {"sent": 0, "unchanged": 0, "empty": 0, "failed": 0}
    for user in users:
        try:
            # the job acts for each user in turn: their picks, as they would see them
            picks = await mr.recommend.for_user(Principal.of(user), page=1, size=NOTIFY_PICKS)
        except MovieRecError:
            counts["failed"] += 1
            continue
        ids = [item.movie.id for item in picks.items]
        marker = f"notify:last:{user.id}"
        if not ids:
            counts["empty"] += 1
        elif await mr.cache.get(marker) == ids:
            counts["unchanged"] += 1
        else:
            try:
                await mr.notifier.send(_picks_message(user, picks))
            except MovieRecError:
                counts["failed"] += 1
                continue
            await mr.cache.set(marker, ids, NOTIFY_MEMORY_SECONDS)
            counts["sent"] += 1
    return counts


async def _prewarm_trending(mr: JobContext, user_id: int | None) -> dict[str, Any]:
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
            "fit-model",
            "Fit the recommendation model once and publish it to every server.",
            _fit_model,
            every=lambda settings: settings.model_fit_every,
        ),
        Job(
            "refresh-recommendations",
            "Recompute every user's list with the newest model before it expires (or --user).",
            _refresh_recommendations,
            every=lambda settings: max(60.0, settings.ttl_recommendations * 0.9),
            takes_user=True,
        ),
        Job(
            "notify-recommendations",
            "Send each active user their new top picks through the configured notifier.",
            _notify_recommendations,
            weekly=True,
            takes_user=True,
        ),
    )
}


@guarded
class Jobs:
    """Runs jobs by name on an open ``MovieRec`` (``mr.jobs``)."""

    def __init__(self, context: JobContext) -> None:
        self._context = context

    @staticmethod
    def available() -> list[Job]:
        """Every job, in name order."""
        return [JOBS[name] for name in sorted(JOBS)]

    async def run(self, name: str, target_id: int | None = None) -> JobResult:
        """Run the job ``name`` now; ``target_id`` (a user's id) narrows jobs that take one."""
        job = JOBS.get(name)
        if job is None:
            raise InvalidInput.field(
                "job", f"unknown job {name!r}; one of {', '.join(sorted(JOBS))}"
            )
        if target_id is not None and not job.takes_user:
            raise InvalidInput.field("user_id", f"job {name!r} does not take a user")
        started = time.perf_counter()
        result = await job.function(self._context, target_id)
        return JobResult(
            job=name,
            user_id=target_id,
            seconds=round(time.perf_counter() - started, 3),
            result=result,
        )
