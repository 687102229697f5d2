"""Seed data for the favorites tests: users and catalog movies, inserted directly."""

from __future__ import annotations

from dataclasses import dataclass

from movierec.catalog.genres import genre_key
from movierec.catalog.titles import fold
from movierec.db.models import Movie as MovieRow
from movierec.db.models import User
from movierec.types import Principal


@dataclass(frozen=True)
class SeedMovie:
    """A catalog movie the tests know by heart."""

    id: int
    title: str
    year: int
    genre_ids: tuple[int, ...]
    imdb_id: str | None = None


MOVIES = (
    SeedMovie(603, "The Matrix", 1999, (28, 878), "tt0133093"),
    SeedMovie(604, "The Matrix Reloaded", 2003, (28, 878), "tt0234215"),
    SeedMovie(550, "Fight Club", 1999, (18,), "tt0137523"),
    SeedMovie(13, "Forrest Gump", 1994, (35, 18, 10749), "tt0109830"),
    SeedMovie(680, "Pulp Fiction", 1994, (53, 80), "tt0110912"),
    SeedMovie(1640, "Crash", 2004, (18,), "tt0375679"),
    SeedMovie(20382, "Crash", 1996, (18, 53), "tt0115964"),
    SeedMovie(129, "Spirited Away", 2001, (16, 10751, 14), "tt0245429"),
)


async def seed_movies(movies: tuple[SeedMovie, ...] = MOVIES) -> None:
    """Insert catalog rows (``in_catalog``) that the offline provider serves."""
    for movie in movies:
        await MovieRow.create(
            id=movie.id,
            title=movie.title,
            search_title=fold(movie.title),
            release_year=movie.year,  # as the offline catalog stores it: no date
            genre_ids=list(movie.genre_ids),
            genre_key=genre_key(movie.genre_ids),
            poster_path=f"/poster{movie.id}.jpg",
            imdb_id=movie.imdb_id,
            in_catalog=True,
            popularity=float(movie.id % 97),
        )


async def make_user(name: str = "alice") -> Principal:
    """A user row (no password hashing needed for library tests); its principal."""
    user = await User.create(
        username=name,
        username_key=name.lower(),
        email=f"{name.lower()}@example.com",
        password_hash="x",
    )
    return Principal.of(user)
