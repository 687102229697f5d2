"""Fixtures for the recommendation tests: the taste catalog imported, users with favorites."""

from __future__ import annotations

from pathlib import Path

import pytest

from movierec import MovieRec
from movierec.db.models import User
from tests.helpers.taste_data import movie_ids, tmdb_id, write_movielens

__all__ = ["action_ids", "add_favorites", "new_user", "taste_dir", "taste_mr"]


@pytest.fixture
def taste_dir(tmp_path: Path) -> Path:
    """The generated taste data set (see tests/helpers/taste_data.py)."""
    return write_movielens(tmp_path / "taste")


@pytest.fixture
async def taste_mr(mr: MovieRec, taste_dir: Path) -> MovieRec:
    """An open ``MovieRec`` with the taste data set imported as its catalog."""
    await mr.catalog.import_movielens(taste_dir)
    return mr


def action_ids() -> list[int]:
    """TMDb ids of the Action movies."""
    return [tmdb_id(m) for m in movie_ids("Action")]


async def new_user(mr: MovieRec, name: str = "alice") -> int:
    """A stored account (no password needed here); its id."""
    user = await User.create(
        username=name, username_key=name.lower(), email=f"{name}@example.org", password_hash="-"
    )
    return user.id


async def add_favorites(mr: MovieRec, user_id: int, ids: list[int]) -> None:
    """Add favorites one after another (oldest first)."""
    for ident in ids:
        await mr.favorites.add(user_id, ident)
