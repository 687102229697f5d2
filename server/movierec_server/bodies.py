"""Request bodies as validated pydantic models: malformed input is a 400, never a 500."""

from __future__ import annotations

from typing import Any, TypeVar

import orjson
from pydantic import BaseModel, ValidationError
from sanic import Request
from sanic.exceptions import SanicException

from movierec import InvalidInput, PageSize, checked

__all__ = ["PER_PAGE_DEPRECATION", "parse_body", "query_checked", "query_int", "query_size"]

Model = TypeVar("Model", bound=BaseModel)


def parse_body(request: Request, model: type[Model], *, optional: bool = False) -> Model:
    """Parse the JSON body into ``model`` (unknown fields rejected by the model).

    ``optional`` lets an empty body stand for ``{}``. A body declared as anything but
    JSON (``Content-Type: text/plain``) is a 415; a body without a type is read as JSON.
    """
    raw = request.body or b""
    _require_json_type(request, raw)
    if not raw.strip():
        if not optional:
            raise InvalidInput("a JSON body is required", details={"fields": {"body": "missing"}})
        data: Any = {}
    else:
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise InvalidInput(
                "the body is not valid JSON", details={"fields": {"body": "invalid JSON"}}
            ) from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _invalid(exc) from None


def _require_json_type(request: Request, raw: bytes) -> None:
    declared = request.headers.get("content-type", "")
    media = declared.split(";", 1)[0].strip().lower()
    if raw.strip() and media and media != "application/json" and not media.endswith("+json"):
        raise SanicException(
            f"send the body as application/json, not {media}",
            status_code=415,
        )


def _invalid(exc: ValidationError) -> InvalidInput:
    fields: dict[str, str] = {}
    for error in exc.errors(include_url=False, include_input=False, include_context=False):
        name = ".".join(str(part) for part in error["loc"]) or "body"
        message = error["msg"]
        if error["type"] in ("model_type", "model_attributes_type", "dict_type"):
            message = "must be a JSON object"  # pydantic names the model class otherwise
        fields.setdefault(name, message)
    first_name, first_problem = next(iter(fields.items()))
    return InvalidInput(f"{first_name}: {first_problem}", details={"fields": fields})


def query_checked(request: Request, name: str, default: int, kind: Any) -> int:
    """An integer query parameter validated as the library's type ``kind`` (e.g. ``PageNo``).

    Bound and message are the type's, so the reply says what the library and the CLI say.
    """
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value: object = int(raw)
    except ValueError:
        value = raw  # refused by ``kind`` with its own message
    return int(checked(kind, name, value))


PER_PAGE_DEPRECATION = "deprecated alias of `size` (0.1.0's name), removed in the next release"
"""What the OpenAPI document says of ``per_page`` on the admin listings."""


def query_size(request: Request, default: int) -> int:
    """A listing's ``size`` (items per page), validated as :data:`~movierec.PageSize`.

    The admin listings took ``per_page`` in 0.1.0: it is still read, for one release, when
    ``size`` is absent; both at once is a 400 rather than a silent choice.
    """
    if request.args.get("per_page") in (None, ""):
        return query_checked(request, "size", default, PageSize)
    if request.args.get("size") not in (None, ""):
        raise InvalidInput.field("per_page", "is the old name of size: give one of them")
    return query_checked(request, "per_page", default, PageSize)


def query_int(request: Request, name: str, default: int, *, low: int, high: int) -> int:
    """An integer query parameter within ``[low, high]``; :class:`InvalidInput` otherwise."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput.field(name, "must be an integer") from None
    if not low <= value <= high:
        raise InvalidInput.field(name, f"must be between {low} and {high}")
    return value
