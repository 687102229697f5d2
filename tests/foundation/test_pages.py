"""One page shape: every listing the library returns is a ``Page`` with one vocabulary."""

from __future__ import annotations

import pytest

import movierec
from movierec import Page

LISTINGS = ["AuditPage", "FavoritesPage", "MoviePage", "RecommendationList", "UserPage"]
SHARED = ["items", "page", "size", "total", "total_pages"]


@pytest.mark.parametrize("name", LISTINGS)
def test_every_listing_is_a_page_and_starts_with_the_shared_fields(name: str) -> None:
    listing = getattr(movierec, name)
    assert issubclass(listing, Page)
    assert list(listing.model_fields)[: len(SHARED)] == SHARED
    assert not {"results", "total_results", "per_page"} & set(listing.model_fields)


@pytest.mark.parametrize(
    ("total", "size", "pages"), [(0, 20, 1), (1, 20, 1), (20, 20, 1), (21, 20, 2), (5, 2, 3)]
)
def test_total_pages_counts_the_whole_list_unless_given(total: int, size: int, pages: int) -> None:
    assert Page[int](total=total, size=size).total_pages == pages


def test_a_given_total_pages_is_kept() -> None:
    """TMDb's lists stop at page 500 whatever their total says."""
    assert Page[int](total=760_385, size=20, total_pages=500).total_pages == 500
