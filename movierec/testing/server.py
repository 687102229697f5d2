"""``FakeTMDb``: a TMDb-shaped HTTP server on 127.0.0.1 that can misbehave on demand.

Serves the v3 endpoints movierec uses, with TMDb's JSON shapes, from
:data:`~movierec.testing.fixtures.DEFAULT_MOVIES` (or the movies you give it), checks the
credential (v4 Bearer token or v3 ``api_key``) and answers 401 with TMDb's error body
when it is wrong. Faults are queued and consumed by the next requests, in this order:
connection reset, failure status, malformed body; ``slow()`` delays replies.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal, Self

from aiohttp import web

from movierec.testing import catalog
from movierec.testing.fixtures import DEFAULT_MOVIES, GENRES, FakeMovie

__all__ = ["FakeTMDb", "LoggedRequest"]

PREFIX = "/3"
_ERRORS = {
    401: (7, "Invalid API key: You must be granted a valid key."),
    404: (34, "The resource you requested could not be found."),
    429: (25, "Your request count (41) is over the allowed limit of (40)."),
    500: (11, "Internal error: Something went wrong, contact TMDb."),
    502: (43, "Couldn't connect to the backend server."),
    503: (9, "Service offline - try again later."),
    504: (24, "Your request to the backend server timed out. Try again."),
}
_BAD_PAGE = (
    22,
    "Invalid page: Pages start at 1 and max at 500. They are expected to be an integer.",
)


@dataclass(frozen=True)
class LoggedRequest:
    """One request the fake received (``time`` is ``time.monotonic()`` on arrival)."""

    method: str
    path: str
    query: dict[str, str]
    time: float
    authorization: str | None


def tmdb_error(status: int, code: int | None = None, message: str | None = None) -> web.Response:
    """A reply with TMDb's error body."""
    default_code, default_message = _ERRORS.get(status, (0, "Error"))
    body = {
        "success": False,
        "status_code": code if code is not None else default_code,
        "status_message": message or default_message,
    }
    return web.json_response(body, status=status)


class FakeTMDb:
    """A TMDb v3 look-alike for tests: ``async with FakeTMDb() as tmdb: tmdb.base_url``."""

    def __init__(
        self,
        movies: Iterable[FakeMovie] = DEFAULT_MOVIES,
        *,
        api_key: str = "fake-api-key",
        read_access_token: str = "fake-read-access-token",  # noqa: S107 - a test credential
        image_base_url: str = "https://image.tmdb.org/t/p/",
    ) -> None:
        self.movies: dict[int, FakeMovie] = {movie.id: movie for movie in movies}
        self.api_key = api_key
        self.read_access_token = read_access_token
        self.image_base_url = image_base_url
        self.requests: list[LoggedRequest] = []
        self.counts: Counter[str] = Counter()
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._closing = asyncio.Event()
        self._failures: list[tuple[int, float | None]] = []
        self._malformed = 0
        self._resets = 0
        self._delay = 0.0
        self._delay_times: int | None = None

    # --- lifecycle

    @property
    def base_url(self) -> str:
        """The API root to use as ``tmdb_base_url`` (``http://127.0.0.1:<port>/3``)."""
        if not self.port:
            raise RuntimeError("FakeTMDb is not started")
        return f"http://127.0.0.1:{self.port}{PREFIX}"

    async def start(self) -> Self:
        """Listen on a free port of 127.0.0.1."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = _bound_port(site)
        return self

    async def close(self) -> None:
        """Stop listening; slow replies in progress end at once."""
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def settings_overrides(self, auth: Literal["token", "api_key"] = "token") -> dict[str, Any]:
        """Settings fields that point movierec at this server with a valid credential."""
        values: dict[str, Any] = {"tmdb_base_url": self.base_url, "tmdb_api_key": None}
        values["tmdb_read_access_token"] = None
        if auth == "token":
            values["tmdb_read_access_token"] = self.read_access_token
        else:
            values["tmdb_api_key"] = self.api_key
        return values

    # --- test controls

    def add(self, *movies: FakeMovie) -> None:
        """Serve more movies (replacing any with the same id)."""
        for movie in movies:
            self.movies[movie.id] = movie

    def fail_next(self, n: int = 1, status: int = 503, retry_after: float | None = None) -> None:
        """Answer the next ``n`` requests with ``status`` (and ``Retry-After`` if given)."""
        self._failures.extend([(status, retry_after)] * n)

    def slow(self, seconds: float, times: int | None = None) -> None:
        """Delay replies by ``seconds`` (the next ``times`` ones, or all until ``slow(0)``)."""
        self._delay = seconds
        self._delay_times = times

    def malformed_next(self, n: int = 1) -> None:
        """Answer the next ``n`` requests with 200 and a body that is not JSON."""
        self._malformed += n

    def reset_connection_next(self, n: int = 1) -> None:
        """Reset the TCP connection (RST, no reply) of the next ``n`` requests."""
        self._resets += n

    def reset(self) -> None:
        """Forget queued faults, the delay and the request log."""
        self._failures.clear()
        self._malformed = self._resets = 0
        self._delay, self._delay_times = 0.0, None
        self.requests.clear()
        self.counts.clear()

    def calls(self, path: str) -> int:
        """How many requests reached ``path`` (without the ``/3`` prefix)."""
        return self.counts[path]

    # --- serving

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path.removeprefix(PREFIX) or "/"
        authorization = request.headers.get("Authorization")
        self.requests.append(
            LoggedRequest(
                request.method, path, dict(request.query), time.monotonic(), authorization
            )
        )
        self.counts[path] += 1
        if not self._authorized(request):
            return tmdb_error(401)
        if self._resets:
            self._resets -= 1
            _reset(request)
            return web.Response(status=500)
        await self._maybe_wait()
        if self._failures:
            status, retry_after = self._failures.pop(0)
            reply = tmdb_error(status)
            if retry_after is not None:
                reply.headers["Retry-After"] = f"{retry_after:g}"
            return reply
        if self._malformed:
            self._malformed -= 1
            return web.Response(text='{"page": 1, "results": [', content_type="application/json")
        if request.method != "GET":
            return tmdb_error(405, 3, "Method not allowed.")
        return self._route(path, request.query)

    def _authorized(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        if header:
            return header == f"Bearer {self.read_access_token}"
        return request.query.get("api_key") == self.api_key

    async def _maybe_wait(self) -> None:
        if self._delay <= 0:
            return
        delay = self._delay
        if self._delay_times is not None:
            self._delay_times -= 1
            if self._delay_times <= 0:
                self._delay, self._delay_times = 0.0, None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), delay)

    def _route(self, path: str, query: Any) -> web.Response:
        parts = [part for part in path.split("/") if part]
        page = _int(query.get("page", "1"))
        if page is None or not 1 <= page <= 500:
            return tmdb_error(400, *_BAD_PAGE)
        movies = list(self.movies.values())
        match parts:
            case ["trending", "movie", ("day" | "week") as window]:
                return _json(catalog.paged(catalog.trending(movies, window), page))
            case ["search", "movie"]:
                year = _int(query.get("year") or query.get("primary_release_year") or "")
                adult = query.get("include_adult", "false") == "true"
                found = catalog.search(movies, query.get("query", ""), year, adult)
                return _json(catalog.paged(found, page))
            case ["movie", movie_id, *rest] if _int(movie_id) in self.movies:
                seed = self.movies[int(movie_id)]
                if not rest:
                    appended = query.get("append_to_response", "").split(",")
                    return _json(seed.details("keywords" in appended))
                if rest in (["recommendations"], ["similar"]):
                    found = catalog.related(movies, seed, rest == ["recommendations"])
                    return _json(catalog.paged(found, page))
            case ["discover", "movie"]:
                sort_by = query.get("sort_by", "popularity.desc")
                found = catalog.discover(movies, query.get("with_genres", ""), sort_by)
                return _json(catalog.paged(found, page))
            case ["genre", "movie", "list"]:
                return _json({"genres": [{"id": k, "name": v} for k, v in GENRES.items()]})
            case ["configuration"]:
                return _json(self._configuration())
        return tmdb_error(404)

    def _configuration(self) -> dict[str, Any]:
        return {
            "images": {
                "base_url": self.image_base_url.replace("https://", "http://"),
                "secure_base_url": self.image_base_url,
                "backdrop_sizes": ["w300", "w780", "w1280", "original"],
                "poster_sizes": ["w92", "w154", "w185", "w342", "w500", "w780", "original"],
                "logo_sizes": ["w45", "w92", "w154", "w185", "w300", "w500", "original"],
                "profile_sizes": ["w45", "w185", "h632", "original"],
                "still_sizes": ["w92", "w185", "w300", "original"],
            },
            "change_keys": ["title", "overview"],
        }


def _bound_port(site: web.TCPSite) -> int:
    server = site._server
    sockets = getattr(server, "sockets", None)
    if not sockets:
        raise RuntimeError("FakeTMDb could not bind a port")
    return int(sockets[0].getsockname()[1])


def _json(body: Any) -> web.Response:
    return web.json_response(body)


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _reset(request: web.Request) -> None:
    """Close the connection with an RST (SO_LINGER 0), so the client sees a reset."""
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
