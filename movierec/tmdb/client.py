"""The TMDb v3 client: one aiohttp session, typed results, retries, a shared rate limit.

Every request goes through :meth:`TMDbClient._get`, which

1. waits for a token from the shared outbound bucket (``tmdb:outbound``,
   ``tmdb_rate_limit`` per second, counted in Redis when there is one, so all workers
   together stay under TMDb's limit),
2. sends the request with a timeout of ``tmdb_timeout`` (never longer than the retry
   budget has left),
3. retries 429 (honouring ``Retry-After``), 502/503/504, timeouts and connection errors
   with jittered exponential backoff, within ``tmdb_max_retries`` and ``tmdb_retry_budget``,
4. records one usage entry per logical call (endpoint template, final status, latency,
   retries, rate-limit wait), and
5. turns the reply into typed values or a typed error (:mod:`movierec.tmdb.errors`).

Paths are built from validated ints and literals only; user input travels as query
parameters, which aiohttp encodes.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import aiohttp
import orjson

from movierec._version import __version__
from movierec.cache.ratelimit import RateLimiter
from movierec.config import Settings
from movierec.discovery.providers import TrendingWindow
from movierec.errors import InvalidInput, RateLimited, UpstreamUnavailable
from movierec.tmdb.errors import TransportFailure, error_for_reply, malformed, transport_failure
from movierec.tmdb.responses import (
    TMDbConfiguration,
    parse_configuration,
    parse_details,
    parse_genres,
    parse_page,
)
from movierec.tmdb.retry import RETRYABLE_STATUSES, RetryClock, RetryPolicy, parse_retry_after
from movierec.types import (
    Genre,
    MovieDetails,
    MovieId,
    MoviePage,
    PageNo,
    Source,
    Year,
    checked,
)

__all__ = ["OUTBOUND_KEY", "CallRecorder", "TMDbClient"]

OUTBOUND_KEY = "tmdb:outbound"
"""The rate-limit key every process shares for calls to TMDb."""

_SORT_BY = re.compile(r"^[a-z_]+\.(asc|desc)$")
Params = Mapping[str, str | int]


class CallRecorder(Protocol):
    """Where the client reports each call (``movierec.operations.UsageRecorder``)."""

    def record_call(
        self,
        endpoint: str,
        status: int | None,
        latency_ms: float,
        retries: int,
        rate_limit_wait_s: float,
    ) -> None:
        """Count one logical call."""
        ...


@dataclass
class _Outcome:
    """What one logical call ended with: the last status (None: no usable reply)."""

    status: int | None = None
    waited: float = 0.0


def _check_page(page: int) -> int:
    return int(checked(PageNo, "page", page))


def _check_movie_id(movie_id: int) -> int:
    return int(checked(MovieId, "movie_id", movie_id))


class TMDbClient:
    """TMDb v3 over aiohttp; implements :class:`movierec.discovery.providers.MovieProvider`.

    Construct it with the settings (base URL, credential, timeouts, retries), the
    shared :class:`RateLimiter` and a usage recorder; :meth:`open` creates the session
    and :meth:`close` closes it (``MovieRec`` does both).
    """

    source: Source = "tmdb"

    def __init__(
        self,
        settings: Settings,
        *,
        limiter: RateLimiter | None = None,
        usage: CallRecorder | None = None,
        rng: random.Random | None = None,
    ) -> None:
        if not settings.tmdb_enabled:
            raise InvalidInput("TMDb needs tmdb_read_access_token or tmdb_api_key")
        self.settings = settings
        self.base_url = settings.tmdb_base_url.rstrip("/")
        self.image_base_url = settings.tmdb_image_base_url
        self.poster_size = settings.tmdb_poster_size
        self.limiter = limiter
        self.usage = usage
        self.rate = f"{settings.tmdb_rate_limit}/second"
        self.retry = RetryPolicy(
            max_retries=settings.tmdb_max_retries,
            budget=settings.tmdb_retry_budget,
            base=settings.tmdb_backoff_base,
            cap=settings.tmdb_backoff_max,
            rng=rng or random.Random(),
        )
        self._session: aiohttp.ClientSession | None = None

    # --- lifecycle

    async def open(self) -> None:
        """Create the HTTP session (idempotent)."""
        if self._session is None or self._session.closed:
            headers = {"Accept": "application/json", "User-Agent": f"movierec/{__version__}"}
            if self.settings.tmdb_read_access_token:
                headers["Authorization"] = f"Bearer {self.settings.tmdb_read_access_token}"
            self._session = aiohttp.ClientSession(headers=headers)

    async def close(self) -> None:
        """Close the HTTP session (idempotent)."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    # --- the provider interface

    async def trending(
        self, window: TrendingWindow = "week", page: int = 1, language: str | None = None
    ) -> MoviePage:
        """``/trending/movie/{day|week}``."""
        if window not in ("day", "week"):
            raise InvalidInput.field("window", "must be 'day' or 'week'")
        data = await self._get(
            "/trending/movie/{window}",
            f"/trending/movie/{window}",
            {"page": _check_page(page), "language": language or self.settings.tmdb_language},
        )
        return self._page(data, "/trending/movie/{window}")

    async def search(
        self,
        query: str,
        page: int = 1,
        year: int | None = None,
        language: str | None = None,
        include_adult: bool | None = None,
    ) -> MoviePage:
        """``/search/movie``: titles matching ``query`` (adult titles only on request).

        ``include_adult`` defaults to the ``tmdb_include_adult`` setting.
        """
        if include_adult is None:
            include_adult = self.settings.tmdb_include_adult
        query = query.strip()
        if not query:
            raise InvalidInput.field("query", "must not be empty")
        params: dict[str, str | int] = {
            "query": query,
            "page": _check_page(page),
            "language": language or self.settings.tmdb_language,
            "include_adult": "true" if include_adult else "false",
        }
        if year is not None:
            params["year"] = int(checked(Year, "year", year))
        data = await self._get("/search/movie", "/search/movie", params)
        return self._page(data, "/search/movie", include_adult=include_adult)

    async def details(self, movie_id: int, language: str | None = None) -> MovieDetails:
        """``/movie/{id}`` with its keywords appended."""
        movie_id = _check_movie_id(movie_id)
        data = await self._get(
            "/movie/{id}",
            f"/movie/{movie_id}",
            {
                "append_to_response": "keywords",
                "language": language or self.settings.tmdb_language,
            },
        )
        return parse_details(data, "/movie/{id}", self.image_base_url, self.poster_size)

    async def recommendations(
        self, movie_id: int, page: int = 1, language: str | None = None
    ) -> MoviePage:
        """``/movie/{id}/recommendations``."""
        return await self._related("recommendations", movie_id, page, language)

    async def similar(self, movie_id: int, page: int = 1, language: str | None = None) -> MoviePage:
        """``/movie/{id}/similar``."""
        return await self._related("similar", movie_id, page, language)

    async def discover(
        self,
        genre_ids: Sequence[int] = (),
        page: int = 1,
        language: str | None = None,
        sort_by: str = "popularity.desc",
    ) -> MoviePage:
        """``/discover/movie`` with all of ``genre_ids``, sorted by ``sort_by``."""
        if not _SORT_BY.match(sort_by):
            raise InvalidInput.field("sort_by", "must look like 'popularity.desc'")
        params: dict[str, str | int] = {
            "page": _check_page(page),
            "language": language or self.settings.tmdb_language,
            "sort_by": sort_by,
            "include_adult": "false",
        }
        if genre_ids:
            params["with_genres"] = ",".join(str(_check_movie_id(g)) for g in genre_ids)
        data = await self._get("/discover/movie", "/discover/movie", params)
        return self._page(data, "/discover/movie")

    async def genres(self, language: str | None = None) -> list[Genre]:
        """``/genre/movie/list``."""
        data = await self._get(
            "/genre/movie/list",
            "/genre/movie/list",
            {"language": language or self.settings.tmdb_language},
        )
        return parse_genres(data, "/genre/movie/list")

    async def configuration(self) -> TMDbConfiguration:
        """``/configuration``: TMDb's image base URLs and sizes."""
        data = await self._get("/configuration", "/configuration", {})
        return parse_configuration(data, "/configuration")

    async def _related(
        self, kind: str, movie_id: int, page: int, language: str | None
    ) -> MoviePage:
        movie_id = _check_movie_id(movie_id)
        template = f"/movie/{{id}}/{kind}"
        data = await self._get(
            template,
            f"/movie/{movie_id}/{kind}",
            {"page": _check_page(page), "language": language or self.settings.tmdb_language},
        )
        return self._page(data, template)

    # --- transport

    def _page(self, data: Any, endpoint: str, *, include_adult: bool | None = None) -> MoviePage:
        """A page of movies, adult and video entries dropped unless the settings include them."""
        return parse_page(
            data,
            endpoint,
            self.image_base_url,
            self.poster_size,
            include_adult=self.settings.tmdb_include_adult
            if include_adult is None
            else include_adult,
            include_video=self.settings.tmdb_include_video,
        )

    async def _get(self, endpoint: str, path: str, params: Params) -> Any:
        """GET ``path`` with retries; the decoded JSON of a 2xx reply. Records usage."""
        started = time.monotonic()
        clock = self.retry.start()
        outcome = _Outcome()
        try:
            data = await self._send(endpoint, path, params, clock, outcome)
        finally:
            self._record(endpoint, outcome, started, clock.retries)
        return data

    async def _send(
        self, endpoint: str, path: str, params: Params, clock: RetryClock, outcome: _Outcome
    ) -> Any:
        while True:
            outcome.waited += await self._acquire(endpoint, clock)
            retry_after: float | None = None
            failure: BaseException | None = None
            body = b""
            try:
                outcome.status, body, retry_after = await self._attempt(path, params, clock)
            except TransportFailure as exc:
                outcome.status, failure = None, exc
            status = outcome.status
            if status is not None and 200 <= status < 300:
                try:
                    return orjson.loads(body)
                except orjson.JSONDecodeError as exc:
                    outcome.status = None  # a 2xx we cannot read counts as an error
                    raise malformed(endpoint, f"not JSON ({exc})") from None
            if status is not None and status not in RETRYABLE_STATUSES:
                raise error_for_reply(status, body, endpoint)
            pause = clock.next_delay(retry_after)
            if pause is None:
                if failure is not None:
                    raise transport_failure(failure, endpoint) from failure
                assert status is not None
                raise error_for_reply(status, body, endpoint, retry_after=retry_after)
            await asyncio.sleep(pause)
            clock.retries += 1

    async def _acquire(self, endpoint: str, clock: RetryClock) -> float:
        if self.limiter is None:
            return 0.0
        try:
            return await self.limiter.acquire(OUTBOUND_KEY, self.rate, max_wait=clock.remaining())
        except RateLimited as exc:
            raise UpstreamUnavailable(
                f"the outbound TMDb rate limit ({self.rate}) is saturated on {endpoint}",
                details={"endpoint": endpoint, "retry_after": exc.retry_after},
            ) from None

    async def _attempt(
        self, path: str, params: Params, clock: RetryClock
    ) -> tuple[int, bytes, float | None]:
        session = self._session
        if session is None or session.closed:
            await self.open()
            session = self._session
            assert session is not None
        query = dict(params)
        if not self.settings.tmdb_read_access_token and self.settings.tmdb_api_key:
            query["api_key"] = self.settings.tmdb_api_key
        remaining = clock.remaining()
        if remaining <= 0:
            raise TimeoutError
        timeout = aiohttp.ClientTimeout(total=min(self.settings.tmdb_timeout, remaining))
        async with session.get(self.base_url + path, params=query, timeout=timeout) as reply:
            body = await reply.read()
            retry_after = parse_retry_after(reply.headers.get("Retry-After"))
            return reply.status, body, retry_after

    def _record(self, endpoint: str, outcome: _Outcome, started: float, retries: int) -> None:
        if self.usage is not None:
            latency_ms = (time.monotonic() - started) * 1000.0
            self.usage.record_call(endpoint, outcome.status, latency_ms, retries, outcome.waited)
