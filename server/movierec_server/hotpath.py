"""Hot replies answered at the connection: no routing, no hooks, no response object.

A worker often holds the whole reply to a request already: a page of ``mr.hot``, which
:mod:`movierec_server.routes.movies` stores with its route pattern and its encoded head,
or ``/health``, whose body is encoded once per state. :class:`HotPath` is the first
answerer of the worker's connections (:mod:`movierec_server.draining`): it gets each
request right after Sanic has parsed its head and answers such a one itself, in one write,
taking for it exactly the steps the full path would take and no others:

* the rate limit, counted once by the middleware's own rule (a request without a bearer
  token counts against its client's address: :func:`ratelimit.count_by_address`); a
  refused request, or one the limiter could not decide, goes on to the full path with
  that outcome, which answers it as always (the same 429, ``Retry-After``) without
  counting it again;
* the request id, the metrics observation under the route pattern and the access-log
  line (:func:`observability.record_request`, which the full path calls too);
* the same header lines in the same order as the full path writes them: the status line
  and the constant security headers (:data:`middleware.headers.API_BLOCK`) and
  ``Cache-Control``, stored with the entry; then ``X-Request-ID``, the ``RateLimit-*``
  headers, HSTS on a secure connection, ``Content-Length``, ``Connection`` (``close``
  while the worker stops) and ``Content-Type``.

Anything else takes the full path, unchanged: a method other than ``GET``, a request
with a body or ``Expect`` or ``Upgrade``, ``Authorization`` (signed-in requests),
``Origin`` (CORS), a plain-HTTP request under ``force_https``, a miss or an expired
entry. ASGI and test-client requests never come here; the full path stays the reference
(``create_app(..., fast_path=False)`` serves everything through it).
"""

from __future__ import annotations

from functools import lru_cache
from time import perf_counter
from typing import Any

from sanic import Request, Sanic

from movierec import Settings
from movierec_server.context import movierec
from movierec_server.draining import FIRST_ANSWER, send_whole
from movierec_server.metrics import ServerMetrics
from movierec_server.middleware.headers import API_BLOCK, hsts_value
from movierec_server.middleware.proxy import is_secure
from movierec_server.middleware.ratelimit import count_by_address, header_pairs
from movierec_server.observability import REQUEST_ID_HEADER, record_request, request_id_for
from movierec_server.routes.health import liveness_body

__all__ = ["JSON_TAIL", "HotPath", "hot_head", "hot_key", "install"]

HEALTH = "/health"
JSON_TAIL = b"content-type: application/json\r\n\r\n"
"""The last header line of every hot reply (all JSON), and the blank line."""
_FULL_PATH_HEADERS = (
    "authorization",
    "origin",
    "content-length",
    "transfer-encoding",
    "expect",
    "upgrade",
)
"""A request carrying any of these is answered by the full path."""


def hot_key(request: Request) -> str:
    """The key of a request's reply in ``mr.hot``: its path and query, as sent."""
    return f"{request.path}?{request.query_string}"


@lru_cache(maxsize=64)
def hot_head(cache_control: str | None = None) -> bytes:
    """``200 OK``, the API's security headers and ``Cache-Control``, encoded once."""
    head = b"HTTP/1.1 200 OK\r\n" + API_BLOCK
    if cache_control:
        head += b"Cache-Control: " + cache_control.encode("ascii") + b"\r\n"
    return head


class HotPath:
    """The first answerer of one app's connections (see the module)."""

    def __init__(self, settings: Settings, metrics: ServerMetrics) -> None:
        self.settings = settings
        self.metrics = metrics
        self.answered = 0
        """Requests answered here (the rest went the full path)."""
        self._hsts = f"Strict-Transport-Security: {hsts_value(settings)}\r\n"
        self._health_head = hot_head()

    async def __call__(self, request: Request) -> bool:
        """Answer ``request`` when its reply is at hand; False: the full path answers it."""
        started = perf_counter()
        headers = request.headers
        if request.method != "GET" or any(name in headers for name in _FULL_PATH_HEADERS):
            return False
        settings = self.settings
        if settings.force_https and not is_secure(request):
            return False
        mr = movierec(request)
        path = request.path
        body: bytes | None = None
        if path == HEALTH:
            route, head = HEALTH, self._health_head
        else:
            reply = mr.hot.get(hot_key(request))
            if reply is None or not reply.head:
                return False
            route, head, body = reply.route, reply.head, reply.body
        decision = await count_by_address(request, settings)
        if decision is None or not decision.allowed:
            return False  # the full path answers it with this outcome, counted once
        if body is None:
            body = liveness_body(await mr.liveness())
        request_id = request_id_for(headers.get(REQUEST_ID_HEADER))
        lines = f"{REQUEST_ID_HEADER}: {request_id}\r\n"
        lines += "".join(f"{name}: {value}\r\n" for name, value in header_pairs(decision))
        if settings.hsts_max_age and is_secure(request):
            lines += self._hsts
        record_request(
            self.metrics,
            request_id=request_id,
            method="GET",
            route=route,
            path=path,
            status=200,
            seconds=perf_counter() - started,
            user_id=None,
        )
        self.answered += 1
        await send_whole(request, head + lines.encode("ascii"), JSON_TAIL, body)
        return True


def install(app: Sanic[Any, Any], settings: Settings, metrics: ServerMetrics) -> HotPath:
    """Make a :class:`HotPath` the first answerer of ``app``'s worker connections."""
    hot = HotPath(settings, metrics)
    setattr(app.ctx, FIRST_ANSWER, hot)
    return hot
