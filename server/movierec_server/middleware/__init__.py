"""Global middleware: body size, HTTPS enforcement, CORS, rate limits, security headers.

:func:`install` registers them all, in order, on an app. Each module does one job.
"""

from __future__ import annotations

from typing import Any

from sanic import Sanic

from movierec import Settings
from movierec_server.middleware import bodysize, cors, headers, https, ratelimit

__all__ = ["install"]


def install(app: Sanic[Any, Any], settings: Settings) -> None:
    """Register every security middleware on ``app``."""
    bodysize.install(app, settings)
    https.install(app, settings)
    cors.install(app, settings)
    ratelimit.install(app, settings)
    headers.install(app, settings)
