"""Every listing's HTTP body: a library ``Page`` as JSON, the same shape on every route."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sanic.response import HTTPResponse, json, raw

if TYPE_CHECKING:
    from movierec import Page

__all__ = ["encoded_page_reply", "page_reply"]


def page_reply(page: Page[Any]) -> HTTPResponse:
    """``items``, ``page``, ``size``, ``total``, ``total_pages`` and the page's own fields."""
    return json(page.model_dump(mode="json"))


def encoded_page_reply(body: bytes) -> HTTPResponse:
    """A page the library already encoded as JSON (its ``page_json`` readers), sent as is."""
    return raw(body, content_type="application/json")
