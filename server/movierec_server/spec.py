"""Make the served OpenAPI document say exactly what the API does.

sanic-ext documents what each route declares; two things it cannot know are added here,
once, for every operation:

* the JSON error body ``{"error": {"code", "message", "details"}}`` as a component, used
  by every 4xx/5xx response;
* every pydantic model as a named schema under ``components/schemas`` (routes document
  bodies inline through :func:`json_content`; :func:`complete` names them by title);
* an example for every JSON body and reply (:mod:`movierec_server.spec_examples`);
* the error statuses every route can answer with because of the server's shared
  machinery: 400 (bad parameters or body), 401 (bearer-protected), 404 (path
  parameters), 413/415 (bodies), 429 (rate limits), 503 (a backing service down).

:func:`json_content` documents a pydantic model precisely (required fields, enums,
bounds, unknown fields rejected), which sanic-ext's own model introspection does not:
``@openapi.body(json_content(RegisterInput), required=True)``.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from pydantic import BaseModel

from movierec_server.spec_examples import add_examples

__all__ = ["ERROR_SCHEMA", "complete", "json_content", "schema_of"]

ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {},
            },
        }
    },
}
_DESCRIPTIONS = {
    "400": "invalid input (error body names the fields)",
    "401": "missing, invalid or expired bearer token",
    "403": "not allowed for this account",
    "404": "not found",
    "409": "conflict",
    "413": "request body too large",
    "415": "unsupported content type",
    "429": "rate limited (see Retry-After)",
    "502": "TMDb answered with an error",
    "503": "a backing service (database, TMDb) is unavailable",
}
_UNDOCUMENTED = {"/openapi.json", "/docs/openapi.json"}


def schema_of(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema in OpenAPI 3.0 form, every ``$ref`` inlined."""
    raw = model.model_json_schema(mode="serialization")
    defs = raw.pop("$defs", {})
    converted: dict[str, Any] = _to_oas30(raw, defs)
    return converted


def json_content(model: type[BaseModel]) -> dict[str, Any]:
    """Content for ``openapi.body``/``openapi.response``: JSON described by ``model``."""
    return {"application/json": {"schema": schema_of(model)}}


def _to_oas30(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_to_oas30(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = defs[node["$ref"].rsplit("/", 1)[1]]
        merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return _to_oas30(merged, defs)
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("examples", "$schema", "discriminator"):
            continue
        if key == "const":
            out["enum"] = [value]
        elif key in ("exclusiveMinimum", "exclusiveMaximum") and not isinstance(value, bool):
            out[key.replace("exclusiveM", "m")] = value
            out[key] = True
        else:
            out[key] = _to_oas30(value, defs)
    for combiner in ("anyOf", "oneOf"):
        options = out.get(combiner)
        if isinstance(options, list) and {"type": "null"} in options:
            rest = [o for o in options if o != {"type": "null"}]
            del out[combiner]
            out["nullable"] = True
            if len(rest) == 1:
                out.update({k: v for k, v in rest[0].items() if k not in out})
            else:
                out[combiner] = rest
    if out.get("type") == "null":
        out.pop("type")
        out["nullable"] = True
    return out


def complete(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``spec`` with the shared error body and error statuses documented."""
    spec = copy.deepcopy(spec)
    components = spec.setdefault("components", {})
    components.setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, item in spec.get("paths", {}).items():
        if path in _UNDOCUMENTED:
            continue
        for method, operation in item.items():
            if method.lower() in ("get", "post", "put", "patch", "delete"):
                _complete_operation(path, method, operation, spec)
    spec["paths"] = _name_schemas(spec.get("paths", {}), components["schemas"])
    add_examples(spec)
    return spec


def _name_schemas(node: Any, named: dict[str, Any]) -> Any:
    """``node`` with every titled object schema moved to ``named`` and ``$ref``'d there."""
    if isinstance(node, list):
        return [_name_schemas(item, named) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _name_schemas(value, named) for key, value in node.items()}
    title = out.get("title")
    if not isinstance(title, str) or out.get("type") != "object":
        return out
    nullable = out.pop("nullable", False)
    base = re.sub(r"[^A-Za-z0-9]", "", title) or "Schema"
    name, number = base, 1
    while name in named and named[name] != out:  # same title, other shape: number it
        number += 1
        name = f"{base}{number}"
    named[name] = out
    ref = {"$ref": f"#/components/schemas/{name}"}
    return {"allOf": [ref], "nullable": True} if nullable else ref


def _complete_operation(path: str, method: str, operation: dict[str, Any], spec: Any) -> None:
    responses = {str(status): body for status, body in operation.get("responses", {}).items()}
    operation["responses"] = responses
    params = operation.get("parameters", [])
    extra = {"429", "503"}
    if params or "requestBody" in operation:
        extra.add("400")
    if "requestBody" in operation:
        extra.update({"413", "415"})
    if any(p.get("in") == "path" for p in params) or "{" in path:
        extra.add("404")
    if operation.get("security", spec.get("security")):
        extra.add("401")
    for status in sorted(extra):
        responses.setdefault(status, {"description": _DESCRIPTIONS[status]})
    for status, response in responses.items():
        if status in ("204", "304"):
            response.pop("content", None)  # no body, whatever sanic-ext inferred
        if status.isdigit() and int(status) >= 400:
            response.setdefault("description", _DESCRIPTIONS.get(status, "error"))
            if not _declares_json_schema(response):
                response["content"] = {"application/json": {"schema": ERROR_REF}}


def _declares_json_schema(response: dict[str, Any]) -> bool:
    """True when a route documented its own JSON body for this error status exactly."""
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return "$ref" in schema or "required" in schema
