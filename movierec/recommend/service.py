"""``mr.recommend``: a user's recommendations, cached, explained and logged.

Flow of :meth:`Recommender.for_user`: read the user's favorites version and preferences
(one query), and serve the list cached under ``rec:<user>:v<version>:<prefs hash>`` for
``ttl_recommendations``; on a miss, compute it (:mod:`movierec.recommend.compute`). Each
page served is logged once per list in ``Recommendation`` rows (one bulk insert).
:meth:`Recommender.page_json` keeps a served page's encoded bytes under the user's stamp
(:mod:`movierec.accounts.stamps`): a warm read then costs no query and no cache read;
a dismissal or a recomputed list renews the stamp (favorites and preferences do too).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import orjson
from tortoise.exceptions import IntegrityError

from movierec.boundary import guarded
from movierec.cache.hot import HotReplies, HotReply
from movierec.clock import utc_datetime
from movierec.db.models import Dismissal, User
from movierec.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    ModelUnavailable,
    MovieRecError,
    NotFound,
    ServiceUnavailable,
    UpstreamError,
)
from movierec.recommend.compute import compute_list
from movierec.recommend.model import HybridModel, ModelParams
from movierec.recommend.online import online_quality
from movierec.recommend.published import ModelInfo, ModelStore
from movierec.recommend.serving import ModelHolder
from movierec.recommend.store import log_served
from movierec.recommend.training import TrainingData, fit_model, load_training
from movierec.recommend.types import (
    Dismissed,
    QualityReport,
    RecommendationItem,
    RecommendationList,
    RefreshReport,
)
from movierec.types import (
    MovieId,
    PageNo,
    PageSize,
    Principal,
    Progress,
    checked,
)

if TYPE_CHECKING:
    from movierec.accounts.stamps import UserStamps
    from movierec.cache import Cache, CachedLoader
    from movierec.clock import Clock
    from movierec.config import Settings
    from movierec.db import Database
    from movierec.discovery import MovieService

__all__ = ["Recommender"]

log = logging.getLogger(__name__)


def _prefs_hash(preferences: dict[str, Any] | None) -> str:
    raw = orjson.dumps(preferences or {}, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(raw).hexdigest()[:12]


@guarded
class Recommender:
    """Personalized recommendations for the users of one ``MovieRec``."""

    def __init__(
        self,
        movies: MovieService,
        *,
        settings: Settings,
        clock: Clock,
        db: Database,
        cache: Cache,
        loader: CachedLoader,
        stamps: UserStamps,
        replies: HotReplies | None = None,
    ) -> None:
        self._stamps = stamps
        self._replies = replies if replies is not None else HotReplies(0)
        self._movies = movies
        self._settings = settings
        self._clock = clock
        self._db = db
        self._cache = cache
        self._loader = loader
        self.params = ModelParams.from_settings(settings)
        self.store = ModelStore(settings.model_keep_versions)
        self.models = ModelHolder(
            self.store,
            clock,
            check_seconds=settings.model_check_seconds,
            fit_on_demand=settings.fits_on_demand,
            refit_seconds=settings.recommend_model_ttl,
            local_fit=self._fit_here,
        )

    async def model(self, *, refresh: bool = False) -> HybridModel:
        """The served model: the newest published version (see :mod:`.serving`).

        ``refresh`` looks for a newer version now instead of at the next check.
        """
        return await self.models.get(check=refresh)

    def remember_model(self, model: HybridModel) -> None:
        """Keep a model extended with new movies (same version)."""
        self.models.extend(model)

    async def _fit(self) -> tuple[HybridModel, TrainingData, float]:
        started = time.perf_counter()
        data = await load_training(self._db.connection(), self._db.kind)
        genres = await self._genre_ids()
        model = await asyncio.to_thread(fit_model, data, self.params, genres)
        return model, data, time.perf_counter() - started

    async def _fit_here(self) -> HybridModel:
        model, _, _ = await self._fit()
        return model

    async def fit_model(self) -> ModelInfo:
        """Fit on everything in the database and publish it as the newest version.

        Every serving process picks it up at its next check; this process holds it now.
        """
        model, data, seconds = await self._fit()
        users = len(np.unique(data.raters))
        ratings = data.ratings
        del data
        info = await self.store.publish(model, ratings=ratings, users=users, fit_seconds=seconds)
        self.models.install(model, info.id)
        log.info("model version %s published (%s ratings, %.1f s)", info.id, ratings, seconds)
        return info

    async def quality(
        self, principal: Principal, *, days: int = 30, window: int = 7
    ) -> QualityReport:
        """Online quality per day: served items favorited within ``window`` days (admins only).

        See :mod:`movierec.recommend.online` for the definition and the popularity control.
        """
        if not principal.is_admin:
            raise Forbidden("admins only")
        return await online_quality(utc_datetime(self._clock), days=days, window=window)

    async def model_versions(self) -> list[ModelInfo]:
        """The published versions, newest first."""
        return await self.store.versions()

    async def _genre_ids(self) -> list[int]:
        return list(await self.genre_names())

    async def genre_names(self) -> dict[int, str]:
        """Genre id -> name, from discovery (cached for days); empty when unavailable."""
        try:
            listing = await self._movies.genres()
        except MovieRecError:
            return {}
        return {g.id: g.name for g in listing.genres}

    async def _user(self, user_id: int) -> tuple[int, dict[str, Any]]:
        row = await User.filter(id=user_id).only("id", "favorites_version", "preferences").first()
        if row is None:
            raise NotFound(f"no user {user_id}", details={"user_id": user_id})
        return row.favorites_version, dict(row.preferences or {})

    def _key(self, user_id: int, version: int, preferences: dict[str, Any]) -> str:
        return f"rec:{user_id}:v{version}:{_prefs_hash(preferences)}"

    async def _list(self, user_id: int, *, refresh: bool = False) -> tuple[dict[str, Any], bool]:
        version, preferences = await self._user(user_id)
        key = self._key(user_id, version, preferences)
        if refresh:
            await self._cache.delete(key)

        async def compute() -> dict[str, Any]:
            return await compute_list(
                self,
                user_id,
                preferences,
                movies=self._movies,
                settings=self._settings,
                clock=self._clock,
            )

        loaded = await self._loader.get_or_load(
            key, compute, self._settings.ttl_recommendations, stale_ttl=0
        )
        return dict(loaded.value), loaded.cached

    async def _changed(self, user_id: int) -> None:
        await self._stamps.touch(user_id)

    async def refresh(self, target_id: int) -> None:
        """Recompute and cache one user's list now (the refresh job, for one user).

        The user is the job's target, not a caller: jobs run for the operator.
        """
        await self._list(target_id, refresh=True)
        await self._changed(target_id)

    async def page_json(
        self, principal: Principal, *, stamp: str | None, page: int = 1, size: int = 20
    ) -> bytes:
        """:meth:`for_user` encoded as JSON bytes, reused while the user's ``stamp`` holds.

        Only a page read from the shared cache is kept (a fresh computation says
        ``cached: false`` once); ``None`` never reuses.
        """
        key = f"rec:{principal.user_id}:{stamp}:{page}:{size}"
        if stamp is not None:
            hot = self._replies.get(key)
            if hot is not None:
                return hot.body
        listing = await self.for_user(principal, page=page, size=size)
        body = orjson.dumps(listing.model_dump(mode="json"))
        if stamp is not None and listing.cached:
            self._replies.put(key, HotReply(body, 0), self._replies.ttl)
        return body

    async def for_user(
        self, principal: Principal, page: int = 1, size: int = 20
    ) -> RecommendationList:
        """One page of the user's list (at most 100 items in all), with reasons."""
        user_id = principal.user_id
        page, size = checked(PageNo, "page", page), checked(PageSize, "size", size)
        value, cached = await self._list(user_id)
        items = value["items"]
        shown = items[(page - 1) * size : page * size]
        await self._log_once(user_id, value["generated_at"], page, size, shown)
        return RecommendationList(
            user_id=user_id,
            page=page,
            size=size,
            total=len(items),
            items=[RecommendationItem.model_validate(item) for item in shown],
            cached=cached,
            generated_at=datetime.fromisoformat(value["generated_at"]),
            cold_start=bool(value.get("cold_start", False)),
        )

    async def _log_once(
        self, user_id: int, generated_at: str, page: int, size: int, shown: list[dict[str, Any]]
    ) -> None:
        marker = f"rec:logged:{user_id}:{generated_at}:{page}:{size}"
        try:
            first = await self._cache.add(marker, 1, self._settings.ttl_recommendations)
        except ServiceUnavailable:
            first = True
        if first:
            await log_served(user_id, shown)

    async def dismiss(self, principal: Principal, movie_id: int) -> Dismissed:
        """Never recommend ``movie_id`` to this user again (idempotent).

        A movie the provider says does not exist is :class:`NotFound` (nothing stored);
        when the provider cannot answer, the dismissal is kept all the same.
        """
        user_id = principal.user_id
        movie_id = checked(MovieId, "movie_id", movie_id)
        version, preferences = await self._user(user_id)
        if not await Dismissal.filter(user_id=user_id, movie_id=movie_id).exists():
            with contextlib.suppress(UpstreamError):
                await self._movies.details(movie_id)  # NotFound for an unknown movie
            limit = self._settings.dismissals_max_per_user
            if await Dismissal.filter(user_id=user_id).count() >= limit:
                raise Conflict(
                    f"you have dismissed {limit} movies, the most kept",
                    details={"limit": limit},
                )
        try:
            _, created = await Dismissal.get_or_create(user_id=user_id, movie_id=movie_id)
        except IntegrityError:
            created = False
        await self._cache.delete(self._key(user_id, version, preferences))
        await self._changed(user_id)
        return Dismissed(movie_id=movie_id, created=created)

    async def refresh_all(
        self, progress: Progress | None = None, concurrency: int = 4
    ) -> RefreshReport:
        """Recompute and cache every active user's list (a task queue can run this)."""
        if concurrency < 1:
            raise InvalidInput.field("concurrency", "must be at least 1")
        started = time.perf_counter()
        try:
            await self.model(refresh=True)
        except ModelUnavailable:
            # a batch job runs where fits belong (the worker): publish the first model
            await self.fit_model()
        ids: list[Any] = await User.filter(is_active=True).values_list("id", flat=True)
        users = [int(u) for u in ids]
        bound = asyncio.Semaphore(concurrency)
        done = failed = 0

        async def one(user_id: int) -> None:
            nonlocal done, failed
            async with bound:
                try:
                    await self._list(user_id, refresh=True)
                    await self._changed(user_id)
                except MovieRecError as exc:
                    log.warning("recommendations of user %s not refreshed: %s", user_id, exc)
                    failed += 1
                done += 1
                if progress is not None:
                    progress(done, len(users), "refresh")

        await asyncio.gather(*(one(u) for u in users))
        return RefreshReport(
            users=len(users),
            refreshed=len(users) - failed,
            failed=failed,
            seconds=round(time.perf_counter() - started, 3),
        )
