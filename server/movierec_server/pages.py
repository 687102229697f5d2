"""Every listing's HTTP body: a library ``Page`` as JSON, the same shape on every route."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sanic.response import HTTPResponse, json

if TYPE_CHECKING:
    from movierec import Page

__all__ = ["page_reply"]


def page_reply(page: Page[Any]) -> HTTPResponse:
    """``items``, ``page``, ``size``, ``total``, ``total_pages`` and the page's own fields."""
    return json(page.model_dump(mode="json"))
