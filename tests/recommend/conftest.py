"""Fixtures for the recommendation tests: the taste catalog imported, users with favorites."""

from __future__ import annotations

from pathlib import Path

import pytest

from movierec import MovieRec
from tests.helpers.taste_data import write_movielens

__all__ = ["taste_dir", "taste_mr"]


@pytest.fixture
def taste_dir(tmp_path: Path) -> Path:
    """The generated taste data set (see tests/helpers/taste_data.py)."""
    return write_movielens(tmp_path / "taste")


@pytest.fixture
async def taste_mr(mr: MovieRec, taste_dir: Path) -> MovieRec:
    """An open ``MovieRec`` with the taste data set imported as its catalog."""
    await mr.catalog.import_movielens(taste_dir)
    return mr
