"""Walk a served OpenAPI document: every operation, its parameters and a valid body.

The hostile-input drills use this to aim payloads at every string field and every
path or query parameter of every route, including routes added after the drill was
written.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Param:
    """One path or query parameter."""

    name: str
    where: str
    schema: dict[str, Any]
    required: bool

    @property
    def kind(self) -> str:
        """The JSON type (``string`` when undeclared)."""
        return str(self.schema.get("type", "string"))


@dataclass(frozen=True)
class Operation:
    """One method on one path template."""

    method: str
    path: str
    params: list[Param]
    body_schema: dict[str, Any] | None
    secured: bool
    spec: dict[str, Any] = field(repr=False)

    @property
    def label(self) -> str:
        """``POST /auth/login``."""
        return f"{self.method} {self.path}"

    def url(self, overrides: dict[str, str] | None = None) -> str:
        """The path with every path parameter filled (valid values unless overridden)."""
        overrides = overrides or {}
        values = {p.name: overrides.get(p.name, sample_text(p)) for p in self.params}
        return re.sub(r"\{([^}]+)\}", lambda m: quote(values.get(m.group(1), "1")), self.path)

    def query(self, overrides: dict[str, str] | None = None) -> dict[str, str]:
        """Required query parameters with valid values, plus ``overrides``."""
        query = {p.name: sample_text(p) for p in self.params if p.where == "query" and p.required}
        query.update(overrides or {})
        return query

    def body(self) -> Any:
        """A body that satisfies the documented schema (required fields only)."""
        return None if self.body_schema is None else sample(self.body_schema)

    def string_fields(self) -> list[str]:
        """Top-level string properties of the JSON body."""
        props = (self.body_schema or {}).get("properties", {})
        return [name for name, schema in props.items() if _type(schema) == "string"]


def quote(text: str) -> str:
    """Percent-encode ``text`` for use as one path segment."""
    return urllib.parse.quote(text, safe="")


def inline_refs(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with every local ``$ref`` replaced by what it points at (KeyError if dangling)."""

    def resolve(node: Any) -> Any:
        if isinstance(node, list):
            return [resolve(item) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            target: Any = spec
            for part in str(node["$ref"]).removeprefix("#/").split("/"):
                target = target[part]
            return resolve(target)
        return {key: resolve(value) for key, value in node.items()}

    resolved: dict[str, Any] = resolve(spec)
    return resolved


def operations(spec: dict[str, Any]) -> Iterator[Operation]:
    """Every documented operation of ``spec`` (the OpenAPI document itself excluded)."""
    spec = inline_refs(spec)
    for path, item in spec.get("paths", {}).items():
        if path.endswith("openapi.json"):
            continue
        shared = item.get("parameters", [])
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = [
                Param(p["name"], p["in"], p.get("schema", {}), bool(p.get("required")))
                for p in [*shared, *op.get("parameters", [])]
                if p.get("in") in ("path", "query")
            ]
            content = op.get("requestBody", {}).get("content", {})
            body = content.get("application/json", {}).get("schema")
            secured = bool(op.get("security", spec.get("security")))
            yield Operation(method.upper(), path, params, body, secured, op)


def _type(schema: dict[str, Any]) -> str:
    if "type" in schema:
        return str(schema["type"])
    for combiner in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(combiner, []):
            if "type" in option and option["type"] != "null":
                return str(option["type"])
    return "object" if "properties" in schema else "string"


def sample(schema: dict[str, Any]) -> Any:
    """A small value valid against ``schema``."""
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    kind = _type(schema)
    if kind == "object":
        props = schema.get("properties", {})
        return {name: sample(props[name]) for name in schema.get("required", []) if name in props}
    if kind == "array":
        return [sample(schema.get("items", {}))] * int(schema.get("minItems", 0))
    if kind == "integer":
        return int(schema.get("minimum", 1))
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return True
    return _sample_string(schema)


def _sample_string(schema: dict[str, Any]) -> str:
    fmt = schema.get("format")
    if fmt == "email":
        return "someone@example.com"
    if fmt == "date":
        return "2020-01-01"
    if fmt == "date-time":
        return "2020-01-01T00:00:00Z"
    return "a" * max(int(schema.get("minLength", 1)), 1)


def sample_text(param: Param) -> str:
    """A valid value of a path or query parameter, as text."""
    return str(sample(param.schema)).lower()
