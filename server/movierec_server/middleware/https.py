"""HTTPS enforcement (``Settings.force_https``): redirect plain-HTTP reads, refuse the rest.

A ``GET``/``HEAD`` over plain HTTP gets ``301`` to the same path on ``https://``; any
other method gets ``403 https_required`` (redirecting a ``POST`` would have the client
resend its credentials in the clear). ``/health`` and ``/ready`` stay reachable over
HTTP for load-balancer probes.
"""

from __future__ import annotations

import re

from sanic import Request
from sanic.response import HTTPResponse, json, redirect

from movierec import Settings
from movierec_server.errors import error_body
from movierec_server.middleware.proxy import is_secure
from movierec_server.pipeline import Pipeline

__all__ = ["install"]

EXEMPT = frozenset({"/health", "/ready"})
_HOST = re.compile(r"^(?P<name>[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$")


def _https_location(request: Request) -> str | None:
    match = _HOST.match(request.headers.get("host", ""))
    if match is None:
        return None
    query = f"?{request.query_string}" if request.query_string else ""
    return f"https://{match.group('name')}{request.path}{query}"


def install(app: Pipeline, settings: Settings) -> None:
    """Register the check when ``force_https`` is on."""
    if not settings.force_https:
        return

    @app.middleware("request", priority=95)
    async def require_https(request: Request) -> HTTPResponse | None:
        if request.path in EXEMPT or is_secure(request):
            return None
        if request.method in ("GET", "HEAD"):
            location = _https_location(request)
            if location is None:
                return json(error_body("bad_request", "invalid Host header"), status=400)
            return redirect(location, status=301)
        return json(
            error_body("https_required", "this API only accepts HTTPS requests"), status=403
        )
