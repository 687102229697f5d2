"""movierec: personalized movie recommendations, as an async library.

from movierec import MovieRec, Settings

async with MovieRec(Settings.load()) as mr:
    ...
"""

from movierec._version import __version__
from movierec.clock import Clock, ManualClock, SystemClock
from movierec.config import Settings
from movierec.core import HealthReport, MovieRec
from movierec.errors import (
    AuthError,
    ConfigurationError,
    Conflict,
    Forbidden,
    InvalidInput,
    ModelUnavailable,
    MovieRecError,
    NotFound,
    RateLimited,
    ServiceUnavailable,
    Unauthenticated,
    UpstreamAuthError,
    UpstreamError,
    UpstreamUnavailable,
)
from movierec.types import Genre, Movie, Page

__all__ = [
    "AuthError",
    "Clock",
    "ConfigurationError",
    "Conflict",
    "Forbidden",
    "Genre",
    "HealthReport",
    "InvalidInput",
    "ManualClock",
    "ModelUnavailable",
    "Movie",
    "MovieRec",
    "MovieRecError",
    "NotFound",
    "Page",
    "RateLimited",
    "ServiceUnavailable",
    "Settings",
    "SystemClock",
    "Unauthenticated",
    "UpstreamAuthError",
    "UpstreamError",
    "UpstreamUnavailable",
    "__version__",
]
