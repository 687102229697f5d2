"""OpenAPI helpers: pydantic models as named components, and the error body's schema."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sanic_ext.extensions.openapi.definitions import Component

__all__ = ["ERROR", "ErrorBody", "json_of"]


class ErrorDetail(BaseModel):
    """What went wrong: a stable code, a message for people, optional details."""

    code: str
    message: str
    details: Any = None


class ErrorBody(BaseModel):
    """Every error reply: ``{"error": {"code", "message", "details"}}``."""

    error: ErrorDetail


def json_of(model: type[BaseModel]) -> dict[str, Any]:
    """``{"application/json": <$ref to the model's schema component>}`` for openapi decorators."""
    return {"application/json": Component(model)}


ERROR = json_of(ErrorBody)
