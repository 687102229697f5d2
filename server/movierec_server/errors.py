"""The server's one error boundary: every exception becomes a JSON error body.

``{"error": {"code": ..., "message": ..., "details": ...}}`` with the status the
library error class carries. Nothing leaks a traceback; unknown errors are logged and
answered as 500 ``internal_error``.
"""

from __future__ import annotations

import logging
from typing import Any

from sanic import Request, Sanic
from sanic.exceptions import SanicException
from sanic.handlers import ErrorHandler
from sanic.response import HTTPResponse, json

from movierec import (
    MovieRecError,
    RateLimited,
    Unauthenticated,
    UpstreamAuthError,
    UpstreamUnavailable,
    classify_error,
)

logger = logging.getLogger("movierec.server")

# Sanic's own HTTP errors get stable codes too.
_SANIC_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
    413: "payload_too_large",
    415: "unsupported_media_type",
    416: "range_not_satisfiable",
    422: "invalid_input",
    429: "rate_limited",
    503: "service_unavailable",
}


_UPSTREAM_AUTH_MESSAGE = (
    "TMDb rejected this server's credentials; the operator can see why in the server log"
)


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    """The error JSON shape shared by every route."""
    return {"error": {"code": code, "message": message, "details": details}}


def response_for(exc: BaseException) -> HTTPResponse:
    """Map any exception to a JSON error response."""
    headers: dict[str, str] = {}
    if not isinstance(exc, MovieRecError):
        # Defence in depth: the services translate foreign errors themselves.
        translated = classify_error(exc)
        if translated is not None:
            logger.warning("untranslated library failure: %r", exc)
            exc = translated
    if isinstance(exc, MovieRecError):
        retry_after = getattr(exc, "retry_after", None)  # RateLimited, a TMDb 429
        if isinstance(exc, RateLimited | UpstreamUnavailable) and retry_after is not None:
            headers["Retry-After"] = str(max(1, round(retry_after + 0.499)))
        if isinstance(exc, Unauthenticated):
            headers["WWW-Authenticate"] = 'Bearer realm="movierec"'
        if isinstance(exc, UpstreamAuthError):
            # The fix is the operator's: the hint goes to the log, not to API clients.
            logger.error("%s", exc.message)
            body = error_body(exc.code, _UPSTREAM_AUTH_MESSAGE)
            return json(body, status=exc.http_status, headers=headers)
        return json(exc.to_dict(), status=exc.http_status, headers=headers)
    if _is_validation_error(exc):
        return json(
            error_body("invalid_input", _validation_message(exc), _validation_details(exc)),
            status=400,
        )
    if isinstance(exc, SanicException):
        status = int(getattr(exc, "status_code", 500) or 500)
        if status >= 500:
            logger.exception("server error", exc_info=exc)
            return json(error_body("internal_error", "internal server error"), status=500)
        code = _SANIC_CODES.get(status, "bad_request")
        message = str(exc) or code.replace("_", " ")
        extra = getattr(exc, "headers", None) or {}
        headers.update({str(k): str(v) for k, v in dict(extra).items()})
        return json(error_body(code, message), status=status, headers=headers)
    logger.exception("unhandled error", exc_info=exc)
    return json(error_body("internal_error", "internal server error"), status=500)


def _is_validation_error(exc: BaseException) -> bool:
    name = type(exc).__name__
    module = type(exc).__module__
    return name == "ValidationError" and module.startswith(("sanic_ext", "pydantic"))


def _validation_message(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else "invalid request"


def _validation_details(exc: BaseException) -> Any:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        try:
            return {"errors": errors(include_url=False, include_input=False)}
        except TypeError:
            return {"errors": errors()}
    return None


class JSONErrorHandler(ErrorHandler):
    """Sanic error handler that always answers with the JSON error body."""

    def default(self, request: Request, exception: Exception) -> HTTPResponse:
        return response_for(exception)


def install(app: Sanic[Any, Any]) -> None:
    """Route every exception through :func:`response_for`."""
    app.error_handler = JSONErrorHandler()
