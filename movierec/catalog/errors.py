"""Errors of the offline catalog (part of :mod:`movierec.errors`' hierarchy)."""

from __future__ import annotations

from movierec.errors import ServiceUnavailable

__all__ = ["CatalogEmpty"]


class CatalogEmpty(ServiceUnavailable):
    """No TMDb key and nothing imported: discovery has no source to answer from."""

    code = "catalog_empty"
