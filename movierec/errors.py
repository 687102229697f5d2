"""The one exception hierarchy of movierec.

Every error the library raises on purpose is a :class:`MovieRecError`. Each class carries
a stable machine ``code``, the ``http_status`` the HTTP server answers with and the
``exit_code`` the CLI exits with, so each frontend maps errors in exactly one place::

    MovieRecError                     code="error"                 500  exit 1
    ├── ConfigurationError            code="invalid_settings"      500  exit 78
    ├── InvalidInput                  code="invalid_input"         400  exit 2
    │   └── AmbiguousTitle            code="ambiguous_title"       409  exit 2
    ├── NotFound                      code="not_found"             404  exit 3
    ├── Conflict                      code="conflict"              409  exit 4
    ├── AuthError                     code="auth_error"            401  exit 5
    │   ├── Unauthenticated           code="unauthenticated"       401  exit 5
    │   └── Forbidden                 code="forbidden"             403  exit 6
    ├── RateLimited                   code="rate_limited"          429  exit 7
    ├── UpstreamError                 code="upstream_error"        502  exit 8
    │   ├── UpstreamUnavailable       code="upstream_unavailable"  503  exit 8
    │   └── UpstreamAuthError         code="upstream_auth"         502  exit 8
    └── ServiceUnavailable            code="service_unavailable"   503  exit 9
        └── ModelUnavailable          code="model_unavailable"     503  exit 9

Foreign errors (database, Redis, aiohttp) are translated into these at the boundary
where they happen, so callers only ever catch ``MovieRecError`` subclasses.
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "AmbiguousTitle",
    "AuthError",
    "ConfigurationError",
    "Conflict",
    "Forbidden",
    "InvalidInput",
    "ModelUnavailable",
    "MovieRecError",
    "NotFound",
    "RateLimited",
    "ServiceUnavailable",
    "Unauthenticated",
    "UpstreamAuthError",
    "UpstreamError",
    "UpstreamUnavailable",
]


class MovieRecError(Exception):
    """Base of every error movierec raises on purpose."""

    code: ClassVar[str] = "error"
    http_status: ClassVar[int] = 500
    exit_code: ClassVar[int] = 1

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        """The JSON error body shared by the HTTP API and ``--json`` CLI output."""
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class ConfigurationError(MovieRecError):
    """A setting is missing or invalid; raised at start-up, naming the setting."""

    code = "invalid_settings"
    exit_code = 78  # EX_CONFIG


class InvalidInput(MovieRecError):
    """The caller sent something malformed; ``details`` names the offending fields."""

    code = "invalid_input"
    http_status = 400
    exit_code = 2

    @classmethod
    def field(cls, name: str, problem: str) -> InvalidInput:
        """An error about one named field."""
        return cls(f"{name}: {problem}", details={"fields": {name: problem}})


class AmbiguousTitle(InvalidInput):
    """A title names several movies and none clearly: the caller must choose one.

    ``details`` holds the ``title`` asked for and its close ``candidates`` (best first,
    each with ``movie_id``, ``title``, ``release_year`` and ``score``), so a client can
    ask again with an id or with ``Title (year)``. HTTP answers 409: the request is well
    formed, but what it names is not one movie.
    """

    code = "ambiguous_title"
    http_status = 409

    def __init__(self, title: str, candidates: list[dict[str, Any]]) -> None:
        listed = ", ".join(
            f"{c['movie_id']} {c['title']}"
            + (f" ({c['release_year']})" if c.get("release_year") else "")
            for c in candidates
        )
        super().__init__(
            f"'{title}' matches several movies: {listed}; give the id or 'Title (year)'",
            details={"title": title, "candidates": candidates},
        )
        self.title = title
        self.candidates = candidates


class NotFound(MovieRecError):
    """The thing asked for does not exist (or is not visible to the caller)."""

    code = "not_found"
    http_status = 404
    exit_code = 3


class Conflict(MovieRecError):
    """The change would break a uniqueness rule or a state transition."""

    code = "conflict"
    http_status = 409
    exit_code = 4


class AuthError(MovieRecError):
    """Base of authentication and authorization failures."""

    code = "auth_error"
    http_status = 401
    exit_code = 5


class Unauthenticated(AuthError):
    """No valid credentials: missing, malformed, expired or revoked."""

    code = "unauthenticated"


class Forbidden(AuthError):
    """Valid credentials that do not allow this action (wrong role, inactive account)."""

    code = "forbidden"
    http_status = 403
    exit_code = 6


class RateLimited(MovieRecError):
    """Too many requests; ``retry_after`` says when to try again, in seconds."""

    code = "rate_limited"
    http_status = 429
    exit_code = 7

    def __init__(self, message: str, *, retry_after: float, details: Any = None) -> None:
        super().__init__(message, details=details)
        self.retry_after = max(0.0, retry_after)


class UpstreamError(MovieRecError):
    """TMDb answered with an error we cannot turn into anything more specific."""

    code = "upstream_error"
    http_status = 502
    exit_code = 8


class UpstreamUnavailable(UpstreamError):
    """TMDb is unreachable, too slow, or failing, and no cached copy exists.

    ``retry_after`` (seconds) is set when TMDb said when to come back (a 429 with
    ``Retry-After``); the HTTP server passes it on as its own ``Retry-After``.
    """

    code = "upstream_unavailable"
    http_status = 503

    def __init__(
        self, message: str, *, details: Any = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message, details=details)
        self.retry_after = None if retry_after is None else max(0.0, retry_after)


class UpstreamAuthError(UpstreamError):
    """TMDb rejected our credentials (a deployment problem, not the caller's)."""

    code = "upstream_auth"


class ServiceUnavailable(MovieRecError):
    """A backing service (database, cache) is unreachable."""

    code = "service_unavailable"
    http_status = 503
    exit_code = 9


class ModelUnavailable(ServiceUnavailable):
    """No usable published recommendation model: none fitted yet, or the artifact is damaged."""

    code = "model_unavailable"
