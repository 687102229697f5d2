"""Discovery's cache keys (no pydantic: the read-only fast path imports this alone)."""

from __future__ import annotations

__all__ = ["PAGE_SHAPE", "trending_key"]

PAGE_SHAPE = "page2"  # in cached pages' keys: a page cached in an older shape is not read


def trending_key(source: str, window: str, page: int, language: str) -> str:
    """The cache key of one trending page of ``source`` (``tmdb`` or ``catalog``), before
    the page shape the service appends (``PAGE_SHAPE``)."""
    return f"{source}:trending:{window}:{page}:{language}"
