"""One request hook and one response hook for every per-request step.

Sanic awaits each registered middleware separately (a coroutine, a lookup and a check
per hook and request); ten hooks cost more than the steps they run. The steps register
here instead, with the priorities Sanic would use (higher runs first), and
:meth:`Pipeline.install` gives Sanic one hook of each kind that calls them in order. A
request step that returns a response ends the request steps (as in Sanic); plain
functions are called without an ``await``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from inspect import isawaitable
from typing import Any, TypeVar

from sanic import Request, Sanic
from sanic.response import BaseHTTPResponse

__all__ = ["Pipeline"]

RequestStep = Callable[[Request], Awaitable[BaseHTTPResponse | None] | BaseHTTPResponse | None]
ResponseStep = Callable[[Request, BaseHTTPResponse], Awaitable[None] | None]
R = TypeVar("R", bound=RequestStep)
S = TypeVar("S", bound=ResponseStep)


class Pipeline:
    """The ordered request and response steps of one app."""

    def __init__(self) -> None:
        self._request: list[tuple[int, RequestStep]] = []
        self._response: list[tuple[int, ResponseStep]] = []

    def on_request(self, priority: int) -> Callable[[R], R]:
        """Register a request step (like ``app.on_request(priority=...)``)."""

        def register(step: R) -> R:
            self._request.append((priority, step))
            return step

        return register

    def on_response(self, priority: int) -> Callable[[S], S]:
        """Register a response step (like ``app.on_response(priority=...)``)."""

        def register(step: S) -> S:
            self._response.append((priority, step))
            return step

        return register

    def middleware(self, kind: str, priority: int) -> Callable[[Any], Any]:
        """``app.middleware("request"|"response", priority=...)``, for the same steps."""
        if kind == "request":
            return self.on_request(priority)
        return self.on_response(priority)

    def install(self, app: Sanic[Any, Any]) -> None:
        """Give ``app`` the two hooks that run every step, highest priority first."""
        request_steps = tuple(s for _, s in sorted(self._request, key=lambda p: -p[0]))
        response_steps = tuple(s for _, s in sorted(self._response, key=lambda p: -p[0]))

        async def request_hook(request: Request) -> BaseHTTPResponse | None:
            for step in request_steps:
                outcome = step(request)
                if isawaitable(outcome):
                    outcome = await outcome
                if outcome is not None:
                    return outcome
            return None

        async def response_hook(request: Request, response: BaseHTTPResponse) -> None:
            for step in response_steps:
                outcome = step(request, response)
                if isawaitable(outcome):
                    await outcome

        app.on_request(request_hook)
        app.on_response(response_hook)
