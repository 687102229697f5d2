"""TMDb replies and transport failures, translated into :mod:`movierec.errors`.

The one place where aiohttp exceptions and TMDb's error bodies
(``{"status_code": 7, "status_message": "Invalid API key ..."}``) become movierec errors:

- 401 (or TMDb codes 3, 7, 10, 14 - a bad or missing key) -> :class:`UpstreamAuthError`
- 404 -> :class:`NotFound`
- 429 and 502/503/504 once retries are exhausted, timeouts, connection failures
  -> :class:`UpstreamUnavailable`
- anything else, and replies that are not the JSON we expect -> :class:`UpstreamError`
"""

from __future__ import annotations

from typing import Any

import aiohttp
import orjson

from movierec.errors import (
    MovieRecError,
    NotFound,
    UpstreamAuthError,
    UpstreamError,
    UpstreamUnavailable,
)

__all__ = ["TransportFailure", "error_for_reply", "malformed", "transport_failure"]

_AUTH_CODES = frozenset({3, 7, 10, 14, 30, 33})
_UNAVAILABLE_STATUSES = frozenset({429, 502, 503, 504})

TransportFailure = (aiohttp.ClientError, TimeoutError, OSError)
"""Exceptions raised by the transport (connection refused or reset, timeout, bad framing)."""


def _tmdb_body(body: bytes) -> tuple[int | None, str | None]:
    """TMDb's ``status_code``/``status_message``, or its 422 form ``{"errors": [...]}``."""
    try:
        data: Any = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None, None
    if not isinstance(data, dict):
        return None, None
    code = data.get("status_code")
    message = data.get("status_message")
    errors = data.get("errors")
    if not isinstance(message, str) and isinstance(errors, list) and errors:
        message = "; ".join(str(error) for error in errors)
    return (
        code if isinstance(code, int) else None,
        message if isinstance(message, str) else None,
    )


def error_for_reply(
    status: int, body: bytes, endpoint: str, *, retry_after: float | None = None
) -> MovieRecError:
    """The typed error for a non-2xx TMDb reply (after retries, for retryable ones).

    ``retry_after`` is TMDb's ``Retry-After`` on the last reply; a 429 passes it on.
    """
    code, message = _tmdb_body(body)
    details: dict[str, Any] = {
        "endpoint": endpoint,
        "status": status,
        "tmdb_code": code,
        "tmdb_message": message,
    }
    said = f": {message}" if message else ""
    if status == 401 or code in _AUTH_CODES:
        return UpstreamAuthError(
            "TMDb rejected the API key (check TMDB_API_KEY or TMDB_READ_ACCESS_TOKEN, "
            f"also accepted as MOVIEREC_TMDB_API_KEY / MOVIEREC_TMDB_READ_ACCESS_TOKEN){said}",
            details=details,
        )
    if status == 404:
        return NotFound(f"TMDb has no such resource ({endpoint}){said}", details=details)
    if status in _UNAVAILABLE_STATUSES:
        if status == 429 and retry_after is not None:
            details["retry_after"] = retry_after
        return UpstreamUnavailable(
            f"TMDb is unavailable (HTTP {status} on {endpoint}, retries exhausted){said}",
            details=details,
            retry_after=retry_after if status == 429 else None,
        )
    return UpstreamError(f"TMDb answered HTTP {status} on {endpoint}{said}", details=details)


def transport_failure(exc: BaseException, endpoint: str) -> UpstreamUnavailable:
    """A timeout or connection failure that outlived its retries."""
    if isinstance(exc, TimeoutError):
        what = "timed out"
    else:
        what = f"could not be reached ({type(exc).__name__}: {exc})".replace(" ()", "")
    return UpstreamUnavailable(
        f"TMDb {what} on {endpoint}", details={"endpoint": endpoint, "error": type(exc).__name__}
    )


def malformed(endpoint: str, problem: str) -> UpstreamError:
    """A 2xx reply that is not the JSON shape TMDb documents."""
    return UpstreamError(
        f"TMDb sent a malformed reply on {endpoint}: {problem}",
        details={"endpoint": endpoint, "problem": problem},
    )
