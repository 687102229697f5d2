"""Examples for the OpenAPI document: every operation shows a request and a reply.

A route may document its own example (``{"application/json": {..., "example": ...}}``);
where it does not, :func:`add_examples` derives one from the schema, using the sample
values below for the fields users meet everywhere, so a reader of ``/docs`` sees
``{"username": "ada", "password": "…"}`` rather than ``"string"``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["add_examples", "example_of"]

# Sample values by property name: what a real request or reply would carry.
_SAMPLES: dict[str, Any] = {
    "username": "ada",
    "email": "ada@example.com",
    "password": "correct horse battery staple",
    "current_password": "correct horse battery staple",
    "new_password": "a longer passphrase 2",
    "access_token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
    "refresh_token": "eyJhbGciOiJIUzI1NiJ9.eyJqdGkiOiJyMSJ9.c2lnbmF0dXJl",
    "token_type": "bearer",
    "movie_id": 603,
    "id": 603,
    "title": "The Matrix",
    "movie_title": "The Matrix",
    "original_title": "The Matrix",
    "overview": "A hacker learns that the world he lives in is a simulation.",
    "release_date": "1999-03-31",
    "release_year": 1999,
    "year": 1999,
    "language": "en",
    "region": "US",
    "genre_ids": [28, 878],
    "genres": [28, 878],
    "name": "Science Fiction",
    "query": "matrix",
    "reason": "because you liked The Matrix",
    "role": "user",
    "vote_average": 8.2,
    "vote_count": 26000,
    "popularity": 81.5,
    "poster_path": "/f89U3ADr1oiB1s9GkdPOEpXUk5H.jpg",
    "poster_url": "https://image.tmdb.org/t/p/w342/f89U3ADr1oiB1s9GkdPOEpXUk5H.jpg",
    "version": "0.1.0",
    "page": 1,
    "size": 20,
    "total": 1,
    "total_pages": 1,
}
_FORMATS = {
    "date-time": "2026-01-01T12:00:00Z",
    "date": "2026-01-01",
    "email": "ada@example.com",
    "uri": "https://example.com/",
}


def example_of(schema: dict[str, Any], spec: dict[str, Any], name: str = "") -> Any:
    """A value that ``schema`` accepts, preferring documented examples and known samples."""
    schema = _resolve(schema, spec)
    if schema.get("example") is not None:
        return schema["example"]
    sample = _SAMPLES.get(name)
    if sample is not None and _fits(sample, schema.get("type")):
        return sample
    if schema.get("default") is not None:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    for combiner in ("allOf", "anyOf", "oneOf"):
        if schema.get(combiner):
            return example_of(schema[combiner][0], spec, name)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {key: example_of(sub, spec, key) for key, sub in props.items()}
    if kind == "array":
        return [example_of(schema.get("items", {}), spec, name)]
    if kind == "string":
        return _FORMATS.get(str(schema.get("format")), name or "text")
    if kind == "integer":
        return max(1, int(schema.get("minimum", 1)))
    if kind == "number":
        return float(schema.get("minimum", 1.0))
    if kind == "boolean":
        return True
    return None


def add_examples(spec: dict[str, Any]) -> None:
    """Give every JSON request body and 2xx JSON reply without an example one, in place."""
    for item in spec.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            contents = [operation.get("requestBody", {}).get("content", {})]
            contents += [
                response.get("content", {})
                for status, response in operation.get("responses", {}).items()
                if str(status).startswith("2")
            ]
            for content in contents:
                media = content.get("application/json")
                if media and "schema" in media and "example" not in media:
                    media["example"] = example_of(media["schema"], spec)


def _resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if not isinstance(ref, str):
        return schema
    node: Any = spec
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return _resolve(node, spec)


def _fits(value: Any, kind: Any) -> bool:
    expected: dict[str, type | tuple[type, ...]] = {
        "string": str,
        "integer": int,
        "number": (int, float),
        "boolean": bool,
        "array": list,
    }
    return kind is None or isinstance(value, expected.get(kind, object))
