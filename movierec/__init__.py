"""movierec: personalized movie recommendations, as an async library.

from movierec import MovieRec, Settings

async with MovieRec(Settings.load()) as mr:
    ...

Everything a frontend or another program needs is importable from here: the composition
root (:class:`MovieRec`), :class:`Settings`, the error hierarchy and the values the services
take and return. The area packages (``movierec.accounts``, ``movierec.discovery``,
``movierec.favorites``, ``movierec.recommend``, ``movierec.operations``, ...) export the
same names and their services; their submodules are private.
"""

import importlib
import typing

from movierec._version import __version__

if typing.TYPE_CHECKING:
    from movierec.accounts import (
        AccountDeletion,
        AdminUserUpdate,
        AuditEntry,
        AuditPage,
        LoginInput,
        LogoutInput,
        PasswordChange,
        Preferences,
        PreferencesUpdate,
        ProfileUpdate,
        RefreshInput,
        Region,
        RegisterInput,
        TokenPair,
        UserPage,
        UserView,
    )
    from movierec.boundary import classify_error
    from movierec.cache import HotReply, RateDecision, RateLimiter
    from movierec.catalog import TMDB_GENRES, CatalogImportReport
    from movierec.clock import Clock, ManualClock, SystemClock
    from movierec.config import Settings
    from movierec.core import MovieRec
    from movierec.db import migrate_database
    from movierec.discovery import GenreList, MovieInfo, TrendingWindow, cached_trending
    from movierec.errors import (
        AmbiguousTitle,
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
    from movierec.favorites import (
        FavoriteItem,
        FavoriteResult,
        FavoritesExport,
        FavoritesPage,
        ImportReport,
        TitleMatch,
        detect_format,
    )
    from movierec.operations import (
        JOBS,
        HealthReport,
        JobResult,
        Jobs,
        Liveness,
        MonitoringSnapshot,
        PruneReport,
        UsageReport,
        UsageRow,
        WorkerCount,
        bucket_start,
        parse_since,
    )
    from movierec.recommend import (
        LIST_SIZE,
        Dismissed,
        EvalReport,
        ModelInfo,
        ModelParams,
        QualityDay,
        QualityReport,
        QualityTally,
        RecommendationItem,
        RecommendationList,
        RefreshReport,
        evaluate,
    )
    from movierec.text import printable
    from movierec.types import (
        MAX_ID,
        MAX_PAGE,
        MAX_PAGE_SIZE,
        MAX_YEAR,
        MIN_YEAR,
        Genre,
        GenreId,
        Movie,
        MovieDetails,
        MovieId,
        MoviePage,
        Page,
        PageNo,
        PageSize,
        Principal,
        Progress,
        UserId,
        Year,
        checked,
        poster_url,
    )

# Names resolve on first use (PEP 562), so ``import movierec`` costs almost nothing and a
# program pays for the areas it touches: the CLI's ``--help`` never loads Tortoise, numpy,
# scipy, aiohttp or redis. Areas are searched cheapest first.
_SOURCES = (
    "movierec.text",
    "movierec.errors",
    "movierec.config",
    "movierec.types",
    "movierec.clock",
    "movierec.discovery",
    "movierec.catalog",
    "movierec.core",
    "movierec.boundary",
    "movierec.db",
    "movierec.accounts",
    "movierec.cache",
    "movierec.favorites",
    "movierec.operations",
    "movierec.recommend",
)


def __getattr__(name: str) -> object:
    if name not in __all__:
        raise AttributeError(f"module 'movierec' has no attribute {name!r}")
    for source in _SOURCES:
        module = importlib.import_module(source)
        if name in vars(module) or name in getattr(module, "__all__", ()):
            value: object = getattr(module, name)
            globals()[name] = value
            return value
    raise AttributeError(f"module 'movierec' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "JOBS",
    "LIST_SIZE",
    "MAX_ID",
    "MAX_PAGE",
    "MAX_PAGE_SIZE",
    "MAX_YEAR",
    "MIN_YEAR",
    "TMDB_GENRES",
    "AccountDeletion",
    "AdminUserUpdate",
    "AmbiguousTitle",
    "AuditEntry",
    "AuditPage",
    "AuthError",
    "CatalogImportReport",
    "Clock",
    "ConfigurationError",
    "Conflict",
    "Dismissed",
    "EvalReport",
    "FavoriteItem",
    "FavoriteResult",
    "FavoritesExport",
    "FavoritesPage",
    "Forbidden",
    "Genre",
    "GenreId",
    "GenreList",
    "HealthReport",
    "HotReply",
    "ImportReport",
    "InvalidInput",
    "JobResult",
    "Jobs",
    "Liveness",
    "LoginInput",
    "LogoutInput",
    "ManualClock",
    "ModelInfo",
    "ModelParams",
    "ModelUnavailable",
    "MonitoringSnapshot",
    "Movie",
    "MovieDetails",
    "MovieId",
    "MovieInfo",
    "MoviePage",
    "MovieRec",
    "MovieRecError",
    "NotFound",
    "Page",
    "PageNo",
    "PageSize",
    "PasswordChange",
    "Preferences",
    "PreferencesUpdate",
    "Principal",
    "ProfileUpdate",
    "Progress",
    "PruneReport",
    "QualityDay",
    "QualityReport",
    "QualityTally",
    "RateDecision",
    "RateLimited",
    "RateLimiter",
    "RecommendationItem",
    "RecommendationList",
    "RefreshInput",
    "RefreshReport",
    "Region",
    "RegisterInput",
    "ServiceUnavailable",
    "Settings",
    "SystemClock",
    "TitleMatch",
    "TokenPair",
    "TrendingWindow",
    "Unauthenticated",
    "UpstreamAuthError",
    "UpstreamError",
    "UpstreamUnavailable",
    "UsageReport",
    "UsageRow",
    "UserId",
    "UserPage",
    "UserView",
    "WorkerCount",
    "Year",
    "__version__",
    "bucket_start",
    "cached_trending",
    "checked",
    "classify_error",
    "detect_format",
    "evaluate",
    "migrate_database",
    "parse_since",
    "poster_url",
    "printable",
]
