"""``MovieRec``: the one object that opens every resource and exposes the services.

Usable from any asyncio program::

    async with MovieRec(Settings.load()) as mr:
        page = await mr.movies.trending(window="week")
"""

from __future__ import annotations

import functools
import logging
from types import TracebackType
from typing import Protocol, Self

from movierec.accounts import Admin, Auth, Profiles
from movierec.accounts.audit import Audit
from movierec.accounts.keys import check_jwt_secret, jwt_secret
from movierec.accounts.stamps import UserStamps
from movierec.cache import (
    Cache,
    CachedLoader,
    HotReplies,
    MemoryCache,
    RateLimiter,
    RedisCache,
    ResilientCache,
)
from movierec.catalog import Catalog
from movierec.clock import Clock, SystemClock
from movierec.config import Settings
from movierec.coordination import CoordinationStore
from movierec.db import Database
from movierec.discovery.service import MovieService
from movierec.favorites import Favorites
from movierec.operations import UsageRecorder
from movierec.operations.health import Health, HealthReport, Liveness
from movierec.operations.jobs import Jobs
from movierec.operations.maintenance import Maintenance
from movierec.operations.monitoring import Monitoring
from movierec.operations.notify import Notifier, make_notifier
from movierec.recommend import Recommender
from movierec.tmdb import TMDbClient

__all__ = ["Managed", "MovieRec"]

logger = logging.getLogger(__name__)


class Managed(Protocol):
    """A service with resources: opened after the database, closed before it (in reverse).

    Register one with ``self._managed.append(service)`` in ``_attach_services``.
    """

    async def open(self) -> None:
        """Acquire resources (sessions, background tasks)."""
        ...

    async def close(self) -> None:
        """Release them (flushing what must be kept); safe to call twice."""
        ...


class MovieRec:
    """Opens the database, cache and HTTP session; the services hang off it.

    One instance per process (or per server worker). Two instances never share state,
    so tests can run several side by side.

    Attributes:
        movies: discovery: trending, search, details, genres (`MovieService`).
        auth: register, log in, refresh, log out, verify tokens (`Auth`).
        profiles: a user's profile, preferences, password, account deletion (`Profiles`).
        favorites: add, remove, list, import, export favorites (`Favorites`).
        recommend: a user's explained recommendations, dismissals, evaluation (`Recommender`).
        catalog: the offline MovieLens catalog: import and statistics (`Catalog`).
        admin: user administration for admins (`Admin`).
        jobs: background jobs, run here or through Celery (`Jobs`).
        settings: the immutable `Settings` this instance was opened with.
    """

    def __init__(self, settings: Settings | None = None, *, clock: Clock | None = None) -> None:
        self.settings = settings if settings is not None else Settings.load()
        self.clock: Clock = clock or SystemClock()
        self.db = Database(self.settings.resolved_database_url)
        self.cache: Cache = self._make_cache()
        self.coordination = self._make_coordination()
        self.loader = CachedLoader(self.cache, self.clock)
        self.hot = HotReplies(self.settings.cache_hot_ttl, clock=self.clock)
        self.stamps = UserStamps(self.coordination.shared)
        # Signed-in replies, valid only under the user's stamp read for the request.
        self.user_replies = HotReplies(
            self.settings.user_state_max_age if self.stamps.enabled else 0, clock=self.clock
        )
        self.limiter = self._make_limiter()
        self._open = False
        self._managed: list[Managed] = []
        self._attach_services()

    def _attach_services(self) -> None:
        """Build the services, each given the few things it uses (never this instance).

        One block per area, so areas can grow independently. Jobs alone take the root,
        through the narrow :class:`~movierec.operations.JobContext` view.
        """
        settings, clock = self.settings, self.clock
        # --- discovery (movierec.discovery, movierec.operations, movierec.tmdb, movierec.catalog)
        self.usage = UsageRecorder(self.db, self.clock, self.settings.usage_flush_interval)
        self._managed.append(self.usage)
        self.tmdb: TMDbClient | None = None
        if self.settings.tmdb_enabled:
            self.tmdb = TMDbClient(self.settings, limiter=self.limiter, usage=self.usage)
            self._managed.append(self.tmdb)
        self.catalog = Catalog(settings, clock)
        self.movies = MovieService(
            self.tmdb if self.tmdb is not None else self.catalog.provider,
            settings=settings,
            loader=self.loader,
            clock=clock,
            usage=self.usage,
        )

        # --- accounts (movierec.accounts)
        self.audit = Audit(clock)
        self.auth = Auth(
            settings=settings,
            clock=clock,
            coordination=self.coordination,
            database_kind=self.db.kind,
            audit=self.audit,
            jwt_secret=functools.partial(jwt_secret, settings),
            stamps=self.stamps,
        )
        self.profiles = Profiles(settings=settings, auth=self.auth, audit=self.audit)
        self.admin = Admin(auth=self.auth, audit=self.audit)

        # --- favorites (movierec.favorites)
        self.favorites = Favorites(
            self.movies,
            settings=settings,
            clock=clock,
            database_kind=self.db.kind,
            stamps=self.stamps,
            replies=self.user_replies,
        )

        # --- recommendations (movierec.recommend)
        self.recommend = Recommender(
            self.movies,
            settings=settings,
            clock=clock,
            db=self.db,
            cache=self.cache,
            loader=self.loader,
            stamps=self.stamps,
            replies=self.user_replies,
        )

        # --- operations (movierec.operations)
        self.monitoring = Monitoring(self.cache, self.usage, metrics_public=settings.metrics_public)
        self._health = Health(self.db.ping, self.db.kind, self.cache)
        self.maintenance = Maintenance(settings, clock)
        self.notifier: Notifier = make_notifier(self.settings)
        self.jobs = Jobs(self)

        return

    def _make_cache(self) -> Cache:
        memory = MemoryCache(self.settings.cache_max_entries, clock=self.clock)
        if self.settings.redis_url:
            redis = RedisCache(self.settings.redis_url, self.settings.cache_prefix)
            return ResilientCache(redis, memory)
        return memory

    def _make_coordination(self) -> CoordinationStore:
        if self.settings.redis_url:
            return CoordinationStore.on_redis(
                self.settings.redis_url, self.settings.resolved_coordination_prefix, self.clock
            )
        return CoordinationStore.in_memory(self.clock)

    def _make_limiter(self) -> RateLimiter:
        # Rate buckets are coordination state: under its prefix, out of the cache's reach.
        if self.settings.redis_url:
            return RateLimiter.on_redis(
                self.settings.redis_url, self.settings.resolved_coordination_prefix
            )
        return RateLimiter.in_memory()

    @property
    def is_open(self) -> bool:
        """True between :meth:`open` and :meth:`close`."""
        return self._open

    @property
    def jwt_secret(self) -> str:
        """The token signing secret (configured, or generated once per data folder)."""
        return jwt_secret(self.settings)

    async def open(self) -> Self:
        """Connect to the database (migrating it when ``auto_migrate``) and the cache."""
        if self._open:
            return self
        check_jwt_secret(self.settings)
        await self.db.open(migrate=self.settings.auto_migrate)
        self.db.enter()
        try:
            for service in self._managed:
                await service.open()
        except BaseException:
            await self._close_managed()
            await self.db.close()
            raise
        self._open = True
        return self

    async def _close_managed(self) -> None:
        for service in reversed(self._managed):
            try:
                await service.close()
            except Exception:
                logger.exception("closing %s failed", type(service).__name__)

    async def close(self) -> None:
        """Close every resource; safe to call twice."""
        if not self._open:
            return
        self._open = False
        try:
            await self._close_managed()
            await self.limiter.close()
            await self.coordination.close()
            await self.cache.close()
        finally:
            await self.db.close()

    async def __aenter__(self) -> Self:
        return await self.open()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def health(self) -> HealthReport:
        """Readiness: ask the database and the cache now (``ok``, ``degraded``, ``down``)."""
        return await self._health.readiness()

    async def liveness(self) -> Liveness:
        """Liveness: the process answers; the cache's state, asked at most once a second."""
        return await self._health.liveness()
