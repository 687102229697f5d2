"""Fixtures for the discovery tests: a tiny generated MovieLens catalog, imported."""

from __future__ import annotations

from pathlib import Path

import pytest

from movierec import MovieRec
from tests.helpers.movielens_catalog import write_movielens

__all__ = ["catalog_mr", "movielens_dir"]


@pytest.fixture
def movielens_dir(tmp_path: Path) -> Path:
    """The default tiny MovieLens folder (see tests/helpers/movielens_catalog.py)."""
    return write_movielens(tmp_path / "ml-tiny")


@pytest.fixture
async def catalog_mr(mr: MovieRec, movielens_dir: Path) -> MovieRec:
    """An open ``MovieRec`` (no TMDb key) with the tiny catalog imported."""
    await mr.catalog.import_movielens(movielens_dir)
    return mr
