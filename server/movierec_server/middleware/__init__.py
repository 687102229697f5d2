"""Global middleware: body size, HTTPS enforcement, CORS, rate limits, security headers.

:func:`install` registers them all, in order, on the app's :class:`Pipeline` (one Sanic
hook runs them). Each module does one job.
"""

from __future__ import annotations

from movierec import Settings
from movierec_server.middleware import bodysize, cors, headers, https, ratelimit
from movierec_server.pipeline import Pipeline

__all__ = ["install"]


def install(app: Pipeline, settings: Settings) -> None:
    """Register every security step on the app's pipeline."""
    bodysize.install(app, settings)
    https.install(app, settings)
    cors.install(app, settings)
    ratelimit.install(app, settings)
    headers.install(app, settings)
