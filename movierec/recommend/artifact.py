"""A fitted model as one self-describing blob: named numpy arrays plus a JSON tree.

The codec knows no model field by name. It walks the model (a tree of dataclasses) and
stores every ``numpy`` array and ``scipy.sparse`` matrix as named arrays in one
compressed ``npz``, and everything else (numbers, strings, tuples, dicts with any
hashable keys) in a JSON tree that also records which dataclass each node was. A field
added to a model dataclass is therefore stored and restored with no format change.
Objects that are neither (e.g. :class:`~movierec.recommend.matrix.IdMap`) take part by
defining ``to_artifact() -> dict[str, ndarray]`` and ``from_artifact(arrays)``.

Layout: ``MAGIC``, a 4-byte big-endian header length, the UTF-8 JSON header (format,
metadata, tree, SHA-256 of the payload), then the ``npz`` payload. Decoding checks all of
it and raises :class:`~movierec.errors.ModelUnavailable` on any damage; arrays are read
with ``allow_pickle=False`` and only ``movierec`` dataclasses are rebuilt, so a blob
cannot run code.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import io
import json
import struct
import zipfile
from typing import Any

import numpy as np
from scipy import sparse

from movierec.errors import ModelUnavailable

__all__ = ["FORMAT", "MAGIC", "decode", "encode", "read_header"]

MAGIC = b"MRMODEL\x00"
FORMAT = 1
_LENGTH = struct.Struct(">I")
_SPARSE = {"csr": sparse.csr_matrix, "csc": sparse.csc_matrix}


class _Writer:
    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray[Any, Any]] = {}

    def array(self, path: str, value: np.ndarray[Any, Any]) -> str:
        if value.dtype.hasobject:
            raise TypeError(f"{path}: object arrays cannot be stored")
        key = f"a{len(self.arrays)}"
        self.arrays[key] = np.ascontiguousarray(value)
        return key

    def node(self, value: Any, path: str) -> Any:
        if value is None or isinstance(value, bool | int | float | str):
            return value
        if isinstance(value, np.generic):
            return {"t": "scalar", "dtype": value.dtype.str, "v": value.item()}
        if isinstance(value, np.ndarray):
            return {"t": "nd", "k": self.array(path, value)}
        if sparse.issparse(value):
            fmt = value.format if value.format in _SPARSE else "csr"
            matrix = _SPARSE[fmt](value)
            return {
                "t": "sparse",
                "fmt": fmt,
                "shape": list(matrix.shape),
                "k": [
                    self.array(f"{path}.data", matrix.data),
                    self.array(f"{path}.indices", matrix.indices),
                    self.array(f"{path}.indptr", matrix.indptr),
                ],
            }
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            cls = type(value)
            return {
                "t": "dc",
                "cls": f"{cls.__module__}:{cls.__qualname__}",
                "f": {
                    f.name: self.node(getattr(value, f.name), f"{path}.{f.name}")
                    for f in dataclasses.fields(value)
                },
            }
        if hasattr(value, "to_artifact"):
            cls = type(value)
            parts: dict[str, np.ndarray[Any, Any]] = value.to_artifact()
            return {
                "t": "obj",
                "cls": f"{cls.__module__}:{cls.__qualname__}",
                "k": {name: self.array(f"{path}.{name}", a) for name, a in parts.items()},
            }
        if isinstance(value, tuple | list):
            kind = "tuple" if isinstance(value, tuple) else "list"
            return {"t": kind, "v": [self.node(v, f"{path}[{i}]") for i, v in enumerate(value)]}
        if isinstance(value, dict):
            return {
                "t": "dict",
                "v": [
                    [self.node(k, path), self.node(v, f"{path}[{k!r}]")] for k, v in value.items()
                ],
            }
        raise TypeError(f"{path}: cannot store a {type(value).__name__}")


def encode(model: Any, meta: dict[str, Any]) -> bytes:
    """The blob for ``model`` with ``meta`` (JSON-able) in its header."""
    writer = _Writer()
    tree = writer.node(model, "model")
    buffer = io.BytesIO()
    np.savez_compressed(buffer, allow_pickle=False, **writer.arrays)
    payload = buffer.getvalue()
    header = {
        "format": FORMAT,
        "meta": meta,
        "tree": tree,
        "payload_sha256": hashlib.sha256(payload).hexdigest(),
    }
    raw = json.dumps(header, separators=(",", ":")).encode()
    return MAGIC + _LENGTH.pack(len(raw)) + raw + payload


def _split(blob: bytes) -> tuple[dict[str, Any], memoryview]:
    view = memoryview(blob)
    start = len(MAGIC) + _LENGTH.size
    if len(blob) < start or bytes(view[: len(MAGIC)]) != MAGIC:
        raise ModelUnavailable("the model artifact is not a movierec model (bad magic)")
    (length,) = _LENGTH.unpack(view[len(MAGIC) : start])
    try:
        header = json.loads(bytes(view[start : start + length]))
    except ValueError:
        raise ModelUnavailable("the model artifact's header is damaged") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ModelUnavailable(
            "the model artifact has an unknown format",
            details={"format": header.get("format") if isinstance(header, dict) else None},
        )
    return header, view[start + length :]


def read_header(blob: bytes) -> dict[str, Any]:
    """The metadata of a blob, without reading its arrays."""
    header, _ = _split(blob)
    meta: dict[str, Any] = header["meta"]
    return meta


class _Reader:
    def __init__(self, arrays: dict[str, np.ndarray[Any, Any]]) -> None:
        self.arrays = arrays

    def node(self, node: Any) -> Any:
        if not isinstance(node, dict):
            return node
        kind = node["t"]
        if kind == "scalar":
            return np.dtype(node["dtype"]).type(node["v"])
        if kind == "nd":
            return self.arrays[node["k"]]
        if kind == "sparse":
            data, indices, indptr = (self.arrays[k] for k in node["k"])
            return _SPARSE[node["fmt"]]((data, indices, indptr), shape=tuple(node["shape"]))
        if kind == "tuple":
            return tuple(self.node(v) for v in node["v"])
        if kind == "list":
            return [self.node(v) for v in node["v"]]
        if kind == "dict":
            return {self.node(k): self.node(v) for k, v in node["v"]}
        if kind == "dc":
            cls = _class(node["cls"])
            if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
                raise ModelUnavailable(f"the model artifact names a non-dataclass {node['cls']}")
            obj = object.__new__(cls)
            values = {name: self.node(v) for name, v in node["f"].items()}
            for f in dataclasses.fields(cls):
                object.__setattr__(obj, f.name, values[f.name])
            return obj
        if kind == "obj":
            cls = _class(node["cls"])
            return cls.from_artifact({name: self.arrays[k] for name, k in node["k"].items()})
        raise ModelUnavailable(f"the model artifact has an unknown node kind {kind!r}")


_MOVED = {
    "movierec.recommend.itemknn": "movierec.recommend.similarity",
    "movierec.recommend.collaborative": "movierec.recommend.similarity",
    "movierec.recommend.rp3beta": "movierec.recommend.similarity",
    "movierec.recommend.blend": "movierec.recommend.ranking",
    "movierec.recommend.popularity": "movierec.recommend.ranking",
    "movierec.recommend.diversify": "movierec.recommend.ranking",
    "movierec.recommend.explain": "movierec.recommend.ranking",
}
"""Modules merged since a model may have been published: its classes load from their new home."""


def _class(qualified: str) -> Any:
    module, _, name = qualified.partition(":")
    module = _MOVED.get(module, module)
    if module != "movierec" and not module.startswith("movierec."):
        raise ModelUnavailable(f"the model artifact names a foreign class {qualified}")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        raise ModelUnavailable(f"the model artifact names an unknown class {qualified}") from None


def decode(blob: bytes) -> tuple[Any, dict[str, Any]]:
    """The model and metadata stored in ``blob``; damage raises ``ModelUnavailable``."""
    header, payload = _split(blob)
    if hashlib.sha256(payload).hexdigest() != header.get("payload_sha256"):
        raise ModelUnavailable("the model artifact is damaged (checksum mismatch)")
    try:
        with np.load(io.BytesIO(payload), allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
        model = _Reader(arrays).node(header["tree"])
    except ModelUnavailable:
        raise
    except (KeyError, ValueError, TypeError, OSError, zipfile.BadZipFile) as exc:
        raise ModelUnavailable(f"the model artifact cannot be read: {exc}") from None
    meta: dict[str, Any] = header["meta"]
    return model, meta
